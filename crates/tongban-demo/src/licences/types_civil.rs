//! Licence types of 公安, 出入境, 民政, 人社, 医保, 残联, 退役军人 and 司法: mostly a person's papers.

use super::authorities::Auth::{Cdpf, Mca, Mohrss, Moj, Mps, Mva, Nhsa, Nia};
use super::model::At::{Both, City, County};
use super::model::{
    CSRQ, FDDBR, FOREVER, FZJG, FZR, JYCS, MC, O, P, SFZH, TypeDef, XB, XM, XYDM, ZS, ZZ, m, t, y,
};

const MZ: &[&str] = &[
    "汉", "汉", "汉", "汉", "汉", "汉", "汉", "汉", "土家", "回", "苗",
];
const DRIVING: &[&str] = &["C1", "C1", "C1", "C2", "C2", "B2", "A2", "D", "C1E"];
const VEHICLE: &[&str] = &[
    "小型轿车",
    "小型普通客车",
    "轻型普通货车",
    "普通二轮摩托车",
    "小型越野客车",
];
const MODEL: &[&str] = &[
    "长安牌SC7164",
    "五菱牌LZW6443",
    "比亚迪牌BYD7152",
    "吉利牌MR7152",
    "大众汽车牌SVW7155",
    "哈弗牌CC6470",
    "宗申牌ZS125",
    "东风牌DFL1040",
];
const BANK: &[&str] = &[
    "中国农业银行",
    "中国工商银行",
    "中国建设银行",
    "中国邮政储蓄银行",
    "四川巴中农村商业银行",
    "中国银行",
];
const TRADE: &[&str] = &[
    "电工",
    "焊工",
    "育婴员",
    "养老护理员",
    "中式烹调师",
    "保育师",
    "电子商务师",
    "茶艺师",
    "农业技术员",
];
const GRADE: &[&str] = &["五级/初级工", "四级/中级工", "三级/高级工", "二级/技师"];
const DISABILITY: &[&str] = &[
    "视力", "听力", "言语", "肢体", "肢体", "智力", "精神", "多重",
];
const DIS_LEVEL: &[&str] = &["一级", "二级", "三级", "四级"];
const HOTEL: &[&str] = &["旅馆业", "旅馆业（民宿）"];
const CHEM: &[&str] = &["氰化钠", "氯化汞", "液氯", "磷化铝"];
const BLAST: &[&str] = &[
    "乳化炸药（胶状）",
    "工业电子雷管",
    "导爆管雷管",
    "工业导爆索",
];
const PRACTICE: &[&str] = &["专职律师", "专职律师", "兼职律师", "公职律师", "公司律师"];
const DISEASE: &[&str] = &[
    "高血压",
    "糖尿病",
    "慢性阻塞性肺疾病",
    "冠心病",
    "恶性肿瘤门诊放化疗",
    "尿毒症透析",
];

#[rustfmt::skip]
pub(crate) const TYPES: &[TypeDef] = &[
    // 公安部
    t("居民身份证", Mps, 1, P, "gaj", County, y(20), 3000, "{id}",
        &[XM, XB, ("KZ_MZ", "民族", MZ), CSRQ, ZZ, SFZH])
        .items(&["居民身份证申领", "居民身份证换领、补领"])
        .replaces(&["原居民身份证", "监护人居民身份证"]),
    t("居民户口簿", Mps, 2, P, "gaj", County, FOREVER, 2600, "{d6}{n8}",
        &[("KZ_HZXM", "户主姓名", &[]), ("KZ_HB", "户别", &["家庭户", "家庭户", "家庭户", "集体户"]), ZZ, SFZH])
        .items(&["出生登记（新生儿落户）", "户口迁移审批"])
        .replaces(&["死者居民身份证或者户口簿"]),
    t("临时居民身份证", Mps, 3, P, "gaj", County, m(3), 40, "{id}", &[XM, XB, CSRQ, ZZ, SFZH])
        .items(&["临时居民身份证申领"]),
    t("居住证", Mps, 4, P, "gaj", County, y(1), 200, "{d6}{y}{n6}",
        &[XM, SFZH, ("KZ_JZDZ", "居住地住址", &[]), FZJG])
        .items(&["居住证申领"]),
    t("机动车驾驶证", Mps, 5, P, "gaj", City, y(6), 1600, "{id}",
        &[XM, XB, SFZH, ZZ, ("KZ_ZJCX", "准驾车型", DRIVING), ("KZ_CCLZRQ", "初次领证日期", &[])])
        .items(&["机动车驾驶证核发、审验", "校车驾驶资格许可"])
        .ages(18, 80),
    t("机动车行驶证", Mps, 6, P, "gaj", City, FOREVER, 1200, "5119{n8}",
        &[("KZ_HPHM", "号牌号码", &[]), ("KZ_CLLX", "车辆类型", VEHICLE), ("KZ_SYR", "所有人", &[]), ZZ, ("KZ_PPXH", "品牌型号", MODEL)])
        .copies(2)
        .ages(18, 90),
    t("机动车检验合格标志", Mps, 7, P, "gaj", City, y(1), 500, "川Y{y}{n7}",
        &[("KZ_HPHM", "号牌号码", &[]), ("KZ_CLLX", "车辆类型", VEHICLE), ("KZ_JYRQ", "检验有效期至", &["下次检验日期见有效期截止日期"])])
        .items(&["机动车检验合格标志核发"])
        .ages(18, 90),
    t("无犯罪记录证明", Mps, 8, P, "gaj", County, m(3), 300, "{d6}{y}{n6}",
        &[XM, SFZH, ("KZ_CXJG", "查询结果", &["未发现有犯罪记录"]), FZJG])
        .items(&["无犯罪记录证明开具"]),
    t("爆破作业人员许可证", Mps, 9, P, "gaj", City, y(3), 30, "5119{y}{n5}",
        &[XM, SFZH, ("KZ_ZYLB", "作业类别", &["爆破员", "安全员", "保管员", "爆破工程技术人员"]), FZJG])
        .items(&["爆破作业人员许可"])
        .ages(20, 60),
    t("旅馆业特种行业许可证", Mps, 10, O, "gaj", County, FOREVER, 60, "巴公特旅字〔{y}〕第{n5}号",
        &[MC, FDDBR, JYCS, ("KZ_HYLB", "行业类别", HOTEL)])
        .items(&["旅馆业特种行业许可证核发"]),
    t("公章刻制业特种行业许可证", Mps, 11, O, "gaj", County, FOREVER, 15, "巴公特刻字〔{y}〕第{n5}号",
        &[MC, FDDBR, JYCS, ("KZ_HYLB", "行业类别", &["公章刻制业"])])
        .items(&["公章刻制业特种行业许可证核发"]),
    t("典当业特种行业许可证", Mps, 12, O, "gaj", County, FOREVER, 5, "巴公特典字〔{y}〕第{n5}号",
        &[MC, FDDBR, JYCS, ("KZ_HYLB", "行业类别", &["典当业"])])
        .items(&["典当业特种行业许可证核发"]),
    t("剧毒化学品购买许可证", Mps, 13, O, "gaj", City, m(3), 10, "巴公剧购〔{y}〕{n6}",
        &[MC, ("KZ_PM", "品名", CHEM), ("KZ_SL", "数量", &["0.5吨", "1吨", "200千克", "50千克"]), FZJG])
        .items(&["剧毒化学品购买许可"]).copies(3),
    t("剧毒化学品道路运输通行证", Mps, 14, O, "gaj", City, m(1), 5, "巴公剧运〔{y}〕{n6}",
        &[MC, ("KZ_PM", "品名", CHEM), ("KZ_YSLX", "运输路线", &["巴中—成都", "巴中—达州", "巴中—广元"]), FZJG])
        .items(&["剧毒化学品道路运输通行证核发"]).copies(3),
    t("民用爆炸物品购买许可证", Mps, 15, O, "gaj", City, m(1), 10, "5119{y}G{n6}",
        &[MC, ("KZ_PM", "品名", BLAST), ("KZ_SL", "数量", &["2吨", "5吨", "5000发", "1万米"]), FZJG])
        .items(&["民用爆炸物品购买许可"]).copies(3),
    t("民用爆炸物品运输许可证", Mps, 16, O, "gaj", City, m(1), 10, "5119{y}Y{n6}",
        &[MC, ("KZ_PM", "品名", BLAST), ("KZ_YSLX", "运输路线", &["巴中—南江", "巴中—通江", "巴中—平昌"]), FZJG])
        .items(&["民用爆炸物品运输许可"]).copies(3),
    t("大型群众性活动安全许可决定书", Mps, 17, O, "gaj", County, m(1), 20, "巴公活许〔{y}〕{n5}号",
        &[MC, ("KZ_HDMC", "活动名称", &["光雾山红叶节开幕式", "巴中年货节", "迎春文艺晚会", "城市马拉松"]), ("KZ_HDDD", "活动地点", &["巴中市体育中心", "南龛坡广场", "江北滨河公园"])])
        .items(&["大型群众性活动安全许可"]).copies(3),
    t("烟花爆竹道路运输许可证", Mps, 18, O, "gaj", County, m(1), 15, "巴公烟运〔{y}〕{n6}",
        &[MC, ("KZ_PM", "品名", &["礼花弹", "组合烟花", "爆竹", "喷花"]), FZJG])
        .items(&["烟花爆竹道路运输许可"]).copies(3),
    t("爆破作业单位许可证", Mps, 19, O, "gaj", City, y(3), 5, "5119{y}B{n5}",
        &[MC, FDDBR, ZS, ("KZ_ZYFW", "从业范围", &["非营业性爆破作业（采石）", "非营业性爆破作业（隧道掘进）"])])
        .items(&["爆破作业单位许可（非营业性）"]),
    // 国家移民管理局
    t("普通护照", Nia, 1, P, "gaj", City, y(10), 300, "E{n8}",
        &[XM, XB, CSRQ, ("KZ_CSDD", "出生地点", &["四川"]), SFZH])
        .items(&["普通护照签发"])
        .ages(0, 80),
    t("往来港澳通行证", Nia, 2, P, "gaj", City, y(10), 200, "C{n8}",
        &[XM, XB, CSRQ, SFZH])
        .items(&["内地居民前往港澳通行证、往来港澳通行证和签注签发"]),
    t("往来台湾通行证", Nia, 3, P, "gaj", City, y(10), 40, "L{n8}",
        &[XM, XB, CSRQ, SFZH])
        .items(&["大陆居民往来台湾通行证和签注签发"]),
    // 民政部
    t("结婚证", Mca, 1, P, "mzj", County, FOREVER, 900, "J{d6}-{y}-{n6}",
        &[XM, SFZH, ("KZ_POXM", "配偶姓名", &[]), ("KZ_DJRQ", "登记日期", &[]), FZJG])
        .items(&["内地居民结婚登记", "补领结婚证、离婚证"])
        .replaces(&["父母结婚证"])
        .ages(22, 90),
    t("离婚证", Mca, 2, P, "mzj", County, FOREVER, 150, "L{d6}-{y}-{n6}",
        &[XM, SFZH, ("KZ_POXM", "原配偶姓名", &[]), ("KZ_DJRQ", "登记日期", &[]), FZJG])
        .items(&["内地居民离婚登记", "补领结婚证、离婚证"])
        .ages(24, 90),
    t("社会团体法人登记证书", Mca, 3, O, "mzj", Both, y(5), 30, "{id}",
        &[MC, XYDM, ("KZ_YWFW", "业务范围", &["行业交流、业务培训、咨询服务", "学术交流、科普宣传", "联谊交流、公益服务"]), ZS, FDDBR])
        .items(&["社会团体成立登记", "社会团体变更登记"]),
    t("民办非企业单位登记证书", Mca, 4, O, "mzj", Both, y(5), 25, "{id}",
        &[MC, XYDM, ("KZ_YWFW", "业务范围", &["养老服务", "职业技能培训", "社会工作服务", "学前教育"]), ZS, FDDBR])
        .items(&["民办非企业单位成立登记", "民办非企业单位变更登记"]),
    t("慈善组织公开募捐资格证书", Mca, 5, O, "mzj", City, FOREVER, 3, "51190{n5}",
        &[MC, XYDM, FDDBR, FZJG])
        .items(&["慈善组织公开募捐资格审批"]),
    t("老年人优待证", Mca, 6, P, "mzj", County, FOREVER, 700, "{d6}{n7}",
        &[XM, XB, CSRQ, SFZH, FZJG])
        .items(&["老年人优待证办理"])
        .ages(60, 120),
    t("遗体火化证明", Mca, 7, P, "mzj", County, FOREVER, 120, "巴殡火{y}{n6}",
        &[("KZ_SZXM", "逝者姓名", &[]), SFZH, ("KZ_HHDW", "火化单位", &["巴中市殡仪馆", "通江县殡仪馆", "南江县殡仪馆", "平昌县殡仪馆"])])
        .items(&["遗体火化证明开具"]),
    t("特困人员救助供养证", Mca, 8, P, "mzj", County, FOREVER, 80, "{d6}TK{n6}",
        &[XM, SFZH, ZZ, ("KZ_GYXS", "供养形式", &["分散供养", "分散供养", "集中供养"])])
        .items(&["特困人员救助供养申请"]),
    t("城乡居民最低生活保障证", Mca, 9, P, "mzj", County, y(1), 200, "{d6}DB{n6}",
        &[XM, SFZH, ZZ, ("KZ_BZRS", "保障人数", &["1人", "2人", "3人", "4人"])])
        .items(&["最低生活保障申请"]),
    // 人力资源和社会保障部
    t("社会保障卡", Mohrss, 1, P, "rsj", County, y(10), 2900, "A{n8}",
        &[XM, SFZH, ("KZ_FKYH", "发卡银行", BANK), FZJG])
        .items(&["社会保障卡申领", "社会保障卡补领、换领"])
        .ages(0, 120),
    t("职业技能等级证书", Mohrss, 2, P, "rsj", City, FOREVER, 500, "S{y}5119{n8}",
        &[XM, SFZH, ("KZ_ZYGZ", "职业（工种）", TRADE), ("KZ_DJ", "等级", GRADE)])
        .ages(18, 65),
    t("就业创业证", Mohrss, 3, P, "rsj", County, FOREVER, 400, "{d6}{y}{n6}",
        &[XM, SFZH, ZZ, FZJG])
        .items(&["就业创业证申领"])
        .ages(16, 60),
    t("劳务派遣经营许可证", Mohrss, 4, O, "rsj", City, y(3), 15, "511900{y}{n4}",
        &[MC, XYDM, FDDBR, ZS])
        .items(&["劳务派遣经营许可"]),
    t("人力资源服务许可证", Mohrss, 5, O, "rsj", City, FOREVER, 10, "（川）人服证字〔{y}〕第5119{n5}号",
        &[MC, FDDBR, ZS, ("KZ_FWFW", "服务范围", &["职业介绍、人力资源供求信息的收集和发布", "就业和创业指导、人力资源管理咨询"])])
        .items(&["经营性人力资源服务机构从事职业中介活动许可"]),
    t("民办职业培训学校办学许可证", Mohrss, 6, O, "rsj", City, y(5), 6, "人社民{d6}{n7}号",
        &[MC, FZR, ZS, ("KZ_BXNR", "办学内容", &["电工、焊工培训", "养老护理员、育婴员培训", "中式烹调师培训"])])
        .items(&["民办职业培训学校设立、分立、合并、变更及终止审批"]),
    // 国家医疗保障局
    t("门诊慢特病待遇认定书", Nhsa, 1, P, "ybj", County, y(3), 150, "{d6}MT{n7}",
        &[XM, SFZH, ("KZ_BZ", "认定病种", DISEASE), FZJG])
        .items(&["门诊慢特病待遇认定"]),
    // 中国残疾人联合会
    t("残疾人证", Cdpf, 1, P, "cl", County, y(10), 250, "{id}21",
        &[XM, XB, SFZH, ("KZ_CJLB", "残疾类别", DISABILITY), ("KZ_CJDJ", "残疾等级", DIS_LEVEL), ZZ])
        .items(&["残疾人证办理"]),
    t("盲人医疗按摩人员从事医疗按摩资格证书", Cdpf, 2, P, "cl", City, FOREVER, 3, "川盲按{y}{n5}",
        &[XM, SFZH, FZJG])
        .items(&["盲人医疗按摩人员从事医疗按摩资格证书核发（初审）"]),
    // 退役军人事务部
    t("退役军人优待证", Mva, 1, P, "tyjrj", County, FOREVER, 150, "{d6}{n7}",
        &[XM, SFZH, ("KZ_YDLB", "优待类别", &["退役军人", "退役军人", "烈士遗属", "因公牺牲军人遗属"])])
        .items(&["退役军人优待证申领"])
        .ages(20, 120),
    // 司法部
    t("律师执业证", Moj, 1, P, "sfj", City, FOREVER, 40, "1511920{y}1{n5}",
        &[XM, SFZH, ("KZ_ZYJG", "执业机构", &["四川巴山律师事务所", "四川秦巴律师事务所", "四川米仓律师事务所"]), ("KZ_ZYLB", "执业类别", PRACTICE)])
        .items(&["律师执业许可（初审）"])
        .ages(24, 70),
    t("基层法律服务工作者执业证", Moj, 2, P, "sfj", City, FOREVER, 15, "5119{y}{n5}",
        &[XM, SFZH, ("KZ_ZYJG", "执业机构", &["巴州区东城法律服务所", "通江县诺江法律服务所", "平昌县江口法律服务所"])])
        .items(&["基层法律服务工作者执业核准"])
        .ages(24, 70),
    t("公证员执业证", Moj, 3, P, "sfj", City, FOREVER, 5, "5119{y}{n4}",
        &[XM, SFZH, ("KZ_ZYJG", "执业机构", &["四川省巴中市巴州公证处", "四川省通江县公证处"])])
        .items(&["公证员执业审核（初审）"])
        .ages(26, 70),
    t("律师事务所执业许可证", Moj, 4, O, "sfj", City, FOREVER, 8, "{id}",
        &[MC, XYDM, FZR, ZS, ("KZ_ZZXS", "组织形式", &["普通合伙", "个人", "特殊的普通合伙"])])
        .items(&["律师事务所设立许可（初审）"]),
];
