//! Static place data for the demo city: the five counties of 巴中市, township names, village-name parts and roads.

/// One county-level division of 巴中市 with everything the generator needs to lay it out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct County {
    /// Six-digit administrative code.
    pub code6: &'static str,
    /// Full name, e.g. "巴州区".
    pub name: &'static str,
    /// Number of townships/streets (sums to 202 over the city).
    pub townships: usize,
    /// Street offices (街道), coded 001…
    pub streets: &'static [&'static str],
    /// Towns (镇, coded 100…) and townships (乡, coded 200…), real names first.
    pub towns: &'static [&'static str],
    /// County seat (micro-degrees latitude, longitude).
    pub seat: (i64, i64),
    /// Rough extent: (lat_min, lat_max, lon_min, lon_max) in micro-degrees.
    pub bbox: (i64, i64, i64, i64),
    /// First two digits of local landlines after "0827-".
    pub phone_prefix: &'static str,
    /// Registered population in ten-thousands (used to weight residents).
    pub population_10k: u32,
    /// Address of the county 政务服务中心.
    pub center_address: &'static str,
    /// Urban roads used for addresses in street offices.
    pub roads: &'static [&'static str],
}

/// Province row.
pub(crate) const PROVINCE: (&str, &str) = ("510000000000", "四川省");
/// City row.
pub(crate) const CITY: (&str, &str) = ("511900000000", "巴中市");
/// City six-digit code.
pub(crate) const CITY6: &str = "511900";
/// The city 政务服务中心.
pub(crate) const CITY_CENTER_NAME: &str = "巴中市政务服务中心";
pub(crate) const CITY_CENTER_ADDRESS: &str = "巴州区江北大道东段88号";
pub(crate) const CITY_CENTER_POS: (i64, i64) = (31_867_900, 106_748_000);
pub(crate) const CITY_CENTER_PHONE: &str = "0827-5261234";

#[rustfmt::skip]
pub(crate) const COUNTIES: [County; 5] = [
    County {
        code6: "511902",
        name: "巴州区",
        townships: 38,
        streets: &["东城街道", "西城街道", "江北街道", "回风街道", "宕梁街道", "兴文街道", "时新街道"],
        towns: &[
            "曾口镇", "清江镇", "化成镇", "水宁寺镇", "梁永镇", "大茅坪镇", "三江镇", "鼎山镇",
            "大罗镇", "光辉镇", "枣林镇", "平梁镇", "天马山镇", "寺岭镇", "凤溪镇", "关公镇",
            "金碑乡", "大和乡", "白庙乡", "龙背乡", "东兴乡", "青山乡", "三星乡", "玉堂乡",
        ],
        seat: (31_851_000, 106_768_000),
        bbox: (31_620_000, 32_050_000, 106_560_000, 107_020_000),
        phone_prefix: "52",
        population_10k: 70,
        center_address: "巴州区回风大道南段168号",
        roads: &["江北大道", "巴州大道", "回风大道", "将军大道", "兴文大道", "滨河北路", "南池路", "翠屏路"],
    },
    County {
        code6: "511903",
        name: "恩阳区",
        townships: 30,
        streets: &["登科街道", "文治街道", "司城街道"],
        towns: &[
            "柳林镇", "下八庙镇", "上八庙镇", "渔溪镇", "花丛镇", "双胜镇", "群乐镇", "茶坝镇",
            "明阳镇", "玉山镇", "观音井镇", "三河场镇", "兴隆镇", "青木镇", "义兴镇", "万安镇",
            "舞凤乡", "九镇乡", "尹家乡", "石城乡", "三汇乡",
        ],
        seat: (31_787_000, 106_636_000),
        bbox: (31_560_000, 31_950_000, 106_400_000, 106_720_000),
        phone_prefix: "33",
        population_10k: 57,
        center_address: "恩阳区义阳大道66号",
        roads: &["义阳大道", "恩阳大道", "登科大道", "文治路", "司城路", "千佛路"],
    },
    County {
        code6: "511921",
        name: "通江县",
        townships: 49,
        streets: &["诺江街道", "壁州街道"],
        towns: &[
            "沙溪镇", "至诚镇", "洪口镇", "涪阳镇", "瓦室镇", "铁佛镇", "毛浴镇", "空山镇",
            "陈河镇", "春在镇", "民胜镇", "火炬镇", "广纳镇", "永安镇", "麻石镇", "烟溪镇",
            "杨柏镇", "泥溪镇", "两河口镇", "龙凤场镇", "板桥口镇", "青峪镇", "胜利镇", "草池镇",
            "三溪镇", "文胜镇", "铁溪镇", "平溪镇", "诺水河镇", "长坪镇", "唱歌镇", "碧溪镇",
            "芝苞乡", "松溪乡", "朱元乡", "大兴乡", "马鞍乡",
        ],
        seat: (31_912_000, 107_245_000),
        bbox: (31_780_000, 32_550_000, 107_020_000, 107_750_000),
        phone_prefix: "72",
        population_10k: 77,
        center_address: "通江县壁州大道中段128号",
        roads: &["壁州大道", "红军路", "诺江路", "银耳大道", "滨河路", "将军路"],
    },
    County {
        code6: "511922",
        name: "南江县",
        townships: 44,
        streets: &["集州街道", "东榆街道"],
        towns: &[
            "沙河镇", "长赤镇", "正直镇", "大河镇", "光雾山镇", "赤溪镇", "下两镇", "关坝镇",
            "桥亭镇", "元潭镇", "八庙镇", "红光镇", "朱公镇", "公山镇", "坪河镇", "高塔镇",
            "杨坝镇", "双流镇", "仁和镇", "高桥镇", "石滩镇", "贵民镇", "北极镇", "兴马镇",
            "天池镇", "赶场镇", "乐坝镇", "侯家镇", "流坝乡", "黑潭乡", "关路乡",
        ],
        seat: (32_346_000, 106_829_000),
        bbox: (32_060_000, 32_700_000, 106_480_000, 107_150_000),
        phone_prefix: "82",
        population_10k: 68,
        center_address: "南江县集州大道一段99号",
        roads: &["集州大道", "光雾山大道", "南江大道", "朝阳路", "滨河路", "红四军路"],
    },
    County {
        code6: "511923",
        name: "平昌县",
        townships: 41,
        streets: &["江口街道", "同州街道", "金宝街道"],
        towns: &[
            "驷马镇", "白衣镇", "岳家镇", "土兴镇", "得胜镇", "云台镇", "涵水镇", "元山镇",
            "笔山镇", "镇龙镇", "响滩镇", "西兴镇", "望京镇", "兰草镇", "灵山镇", "佛楼镇",
            "江家口镇", "泥龙镇", "龙岗镇", "粉壁镇", "大寨镇", "青凤镇", "五木镇", "鹿鸣镇",
            "板庙镇", "岩口镇", "荔枝镇", "三十二梁镇", "坦溪镇", "澌岸乡", "南风乡",
        ],
        seat: (31_560_000, 107_104_000),
        bbox: (31_300_000, 31_780_000, 106_880_000, 107_480_000),
        phone_prefix: "62",
        population_10k: 103,
        center_address: "平昌县同州大道中段56号",
        roads: &["同州大道", "江口大道", "金宝大道", "佛头山路", "书院街", "滨江路"],
    },
];

/// Stems for plausible extra township names where real ones are not listed.
pub(crate) const TOWNSHIP_STEMS: &[&str] = &[
    "石门", "青龙", "白鹤", "金山", "黄石", "桃园", "柏林", "双河", "凤凰", "龙泉", "太平", "长岭",
    "高峰", "新华", "永丰", "红岩", "梨园", "大石", "观音", "玉泉", "三合", "复兴", "石龙", "清泉",
    "金龙", "龙山", "安乐", "福星", "宝石", "水口", "金竹", "白果", "罗坪", "雷坝", "鹿池", "桂花",
    "云峰", "青岗", "松林", "檬子", "白杨", "牌坊", "古楼", "龙滩", "石桥", "石笋", "铜钱", "岚溪",
    "金鸡", "碑坝", "九龙", "凉水", "柏杨", "油坊", "杉木", "水磨", "四合", "高庙", "仙峰", "鹰龙",
];

/// First characters of village names.
pub(crate) const VILLAGE_HEADS: &[&str] = &[
    "石", "青", "黄", "白", "龙", "金", "银", "桃", "柏", "松", "大", "小", "高", "长", "新", "红",
    "双", "三", "马", "凤", "鹤", "梨", "茶", "桂", "竹", "玉", "水", "云", "天", "兴", "太", "永",
    "安", "福", "宝", "花", "紫", "碧", "黑", "老", "杨", "柳", "枫", "香", "鹿", "虎", "狮", "象",
];

/// Second characters of village names (also used after "X家").
pub(crate) const VILLAGE_TAILS: &[&str] = &[
    "门", "龙", "坪", "湾", "沟", "垭", "岩", "河", "溪", "梁", "坝", "山", "塘", "井", "桥", "庙",
    "林", "园", "峰", "滩", "院", "口", "田", "池", "坡", "岭", "观", "堡", "寨", "台",
];

/// Whole village names common in the old revolutionary base area.
#[rustfmt::skip]
pub(crate) const VILLAGE_WHOLE: &[&str] = &[
    "红旗", "团结", "光明", "胜利", "新建", "和平", "先锋", "五星", "建设", "联合", "友谊", "前进",
    "红军", "苏维埃", "丰收", "幸福", "民主", "新农", "向阳", "东风",
];

/// Community (社区) names for street offices.
#[rustfmt::skip]
pub(crate) const COMMUNITY_NAMES: &[&str] = &[
    "滨江", "南池", "红旗", "将军", "东门", "西门", "北门", "新华", "光明", "和平", "学府", "兴文",
    "幸福", "朝阳", "人民", "文化", "迎宾", "望王", "江北", "回风", "柳津", "龙湾", "金桥", "凤凰",
    "书院", "莲花", "梓潼", "白云", "桥亭", "水井", "中山", "东兴", "塔子山", "翠屏", "化成", "玉堂",
    "锦绣", "春晖", "花园", "沙溪", "鼎山", "巴人", "通江", "南龛", "状元", "香炉山",
];
