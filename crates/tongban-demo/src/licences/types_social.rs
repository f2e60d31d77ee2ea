//! Licence types of 卫生健康, 教育, 宗教, 科技, 金融 and 城市管理 (people's papers and institutions' licences).

use super::authorities::Auth::{Moe, Mohurd, Most, Nafr, Nhc, Sara};
use super::model::At::{Both, City, County};
use super::model::{
    CSRQ, FDDBR, FOREVER, FZJG, FZR, JYCS, MC, O, P, SFZH, TypeDef, XB, XM, XYDM, ZS, ZZ, m, t, y,
};

const HOSPITAL: &[&str] = &[
    "巴中市中心医院",
    "巴中市中医院",
    "巴州区人民医院",
    "恩阳区人民医院",
    "通江县人民医院",
    "南江县人民医院",
    "平昌县人民医院",
    "巴中市妇幼保健院",
];
const DOCTOR_KIND: &[&str] = &["临床", "临床", "临床", "中医", "口腔", "公共卫生"];
const DOCTOR_SCOPE: &[&str] = &[
    "内科专业",
    "外科专业",
    "妇产科专业",
    "儿科专业",
    "全科医学专业",
    "中医专业",
    "医学影像和放射治疗专业",
];
const CLINIC_KIND: &[&str] = &[
    "综合医院",
    "中医医院",
    "诊所",
    "中医诊所",
    "口腔诊所",
    "卫生院",
    "村卫生室",
];
const SUBJECTS: &[&str] = &[
    "语文",
    "数学",
    "英语",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "道德与法治",
    "音乐",
    "体育",
    "美术",
    "信息技术",
];
const TEACHER_KIND: &[&str] = &[
    "幼儿园教师资格",
    "小学教师资格",
    "初级中学教师资格",
    "高级中学教师资格",
    "中等职业学校教师资格",
];
const PUBLIC_PLACE: &[&str] = &[
    "住宿场所",
    "美容美发场所",
    "沐浴场所",
    "游泳场所",
    "商场（超市）",
];
const SCHOOL_KIND: &[&str] = &[
    "幼儿园",
    "幼儿园",
    "校外培训机构",
    "普通高级中学",
    "义务教育学校",
    "中等职业学校",
];
const FOREIGN_NAME: &[&str] = &[
    "JOHN SMITH",
    "ANNA MÜLLER",
    "KIM MIN-JUN",
    "TANAKA HIROSHI",
    "MARIA GARCIA",
];

#[rustfmt::skip]
pub(crate) const TYPES: &[TypeDef] = &[
    // 国家卫生健康委员会
    t("出生医学证明", Nhc, 1, P, "wjw", County, FOREVER, 900, "T51{n8}",
        &[XM, XB, CSRQ, ("KZ_CSDD", "出生地点", HOSPITAL), ("KZ_MQXM", "母亲姓名", &[]), ("KZ_FQXM", "父亲姓名", &[])])
        .items(&["出生医学证明签发"]).at_birth()
        .ages(0, 30),
    t("预防接种证", Nhc, 2, P, "wjw", County, FOREVER, 300, "{d6}YM{n7}",
        &[XM, XB, CSRQ, ("KZ_JZDW", "接种单位", HOSPITAL)])
        .items(&["预防接种证办理"]).at_birth()
        .ages(0, 26),
    t("医师执业证书", Nhc, 3, P, "wjw", City, FOREVER, 200, "11051190{n7}",
        &[XM, XB, SFZH, ("KZ_ZYDD", "执业地点", HOSPITAL), ("KZ_ZYLB", "执业类别", DOCTOR_KIND), ("KZ_ZYFW", "执业范围", DOCTOR_SCOPE)])
        .items(&["医师执业注册"])
        .ages(24, 70),
    t("医师资格证书", Nhc, 4, P, "wjw", City, FOREVER, 250, "{y}1051190{n6}",
        &[XM, XB, SFZH, ("KZ_ZYLB", "类别", DOCTOR_KIND)])
        .ages(24, 80),
    t("护士执业证书", Nhc, 5, P, "wjw", County, y(5), 300, "{y}51{n8}",
        &[XM, XB, SFZH, ("KZ_ZYDD", "执业地点", HOSPITAL)])
        .items(&["护士执业注册"])
        .ages(20, 60),
    t("乡村医生执业证书", Nhc, 6, P, "wjw", County, y(5), 120, "{d6}XY{n5}",
        &[XM, SFZH, ("KZ_ZYDD", "执业地点", &["村卫生室"]), FZJG])
        .items(&["乡村医生执业注册"])
        .ages(22, 70),
    t("母婴保健技术考核合格证书", Nhc, 7, P, "wjw", County, y(3), 30, "{d6}MY{n5}",
        &[XM, SFZH, ("KZ_KHXM", "考核项目", &["助产技术", "结扎手术", "终止妊娠手术", "婚前医学检查"])])
        .items(&["母婴保健服务人员资格认定"])
        .ages(24, 60),
    t("外国医师短期行医许可证", Nhc, 8, P, "wjw", City, y(1), 1, "巴卫外医〔{y}〕{n3}号",
        &[XM, ("KZ_GJ", "国籍", &["美国", "德国", "日本", "韩国"]), ("KZ_ZYDD", "执业地点", HOSPITAL)])
        .items(&["外国医师来华短期行医许可"]),
    t("母子健康手册", Nhc, 9, P, "wjw", County, y(2), 150, "{d6}MZ{n7}",
        &[XM, SFZH, ZZ, ("KZ_JDDW", "建档单位", HOSPITAL)])
        .items(&["母子健康手册发放"])
        .ages(20, 45),
    t("生育登记服务单", Nhc, 10, P, "wjw", County, FOREVER, 250, "{d6}SY{y}{n6}",
        &[XM, SFZH, ("KZ_POXM", "配偶姓名", &[]), ("KZ_SYHC", "生育孩次", &["一孩", "二孩", "三孩"])])
        .items(&["生育登记"])
        .ages(20, 50),
    t("独生子女父母光荣证", Nhc, 11, P, "wjw", County, FOREVER, 120, "{d6}DS{n6}",
        &[XM, SFZH, ("KZ_POXM", "配偶姓名", &[]), FZJG])
        .items(&["独生子女父母光荣证补办"])
        .ages(40, 90),
    t("居民死亡医学证明（推断）书", Nhc, 12, P, "wjw", County, FOREVER, 60, "{d6}SW{y}{n6}",
        &[("KZ_SZXM", "死者姓名", &[]), SFZH, ("KZ_SWYY", "根本死亡原因", &["脑梗死", "冠心病", "肺癌", "慢性阻塞性肺疾病", "高血压病"])])
        .items(&["居民死亡医学证明（推断）书签发"])
        .replaces(&["居民死亡医学证明（推断）书"]),
    t("医疗机构执业许可证", Nhc, 13, O, "wjw", Both, y(5), 120, "PDY{n6}{d6}A1001",
        &[MC, FDDBR, ("KZ_DZ", "地址", &[]), ("KZ_JGLB", "类别", CLINIC_KIND), ("KZ_ZLKM", "诊疗科目", &["内科；外科；妇产科；儿科", "全科医疗科；中医科", "口腔科", "预防保健科；内科"])])
        .items(&["医疗机构执业登记（二级医疗机构）", "医疗机构执业登记（一级及以下医疗机构）"]),
    t("设置医疗机构批准书", Nhc, 14, O, "wjw", Both, y(1), 20, "巴卫医设〔{y}〕{n4}号",
        &[MC, FDDBR, ("KZ_JGLB", "类别", CLINIC_KIND)])
        .items(&["医疗机构设置审批（二级医疗机构）", "医疗机构设置审批（一级及以下医疗机构）"]),
    t("母婴保健技术服务执业许可证", Nhc, 15, O, "wjw", County, y(3), 5, "{d6}MB{n4}",
        &[MC, FDDBR, ("KZ_XKXM", "许可项目", &["助产技术", "结扎手术", "终止妊娠手术"])])
        .items(&["母婴保健技术服务执业许可"]),
    t("放射诊疗许可证", Nhc, 16, O, "wjw", Both, FOREVER, 20, "川卫放证字〔{y}〕第{n5}号",
        &[MC, FDDBR, ("KZ_XKXM", "许可项目", &["X射线影像诊断", "介入放射学", "放射治疗", "核医学"])])
        .items(&["放射诊疗许可（放射治疗、核医学）", "放射诊疗许可（X射线影像诊断）"]),
    t("公共场所卫生许可证", Nhc, 17, O, "wjw", County, y(4), 300, "巴卫公证字〔{y}〕第{d6}{n5}号",
        &[MC, FDDBR, JYCS, ("KZ_XKXM", "许可项目", PUBLIC_PLACE)])
        .items(&["公共场所卫生许可"]),
    t("饮用水供水单位卫生许可证", Nhc, 18, O, "wjw", County, y(4), 10, "巴卫水证字〔{y}〕第{n4}号",
        &[MC, FDDBR, ("KZ_GSFS", "供水方式", &["集中式供水", "二次供水"])])
        .items(&["饮用水供水单位卫生许可"]),
    t("麻醉药品和第一类精神药品购用印鉴卡", Nhc, 19, O, "wjw", City, y(3), 5, "巴麻卡{y}{n4}",
        &[MC, FDDBR, ("KZ_CGFZR", "采购负责人", &[]), FZJG])
        .items(&["麻醉药品和第一类精神药品购用印鉴卡审批"]),
    // 教育部
    t("教师资格证书", Moe, 1, P, "jyj", Both, FOREVER, 400, "{y}5119{n9}",
        &[XM, XB, SFZH, ("KZ_ZGZL", "资格种类", TEACHER_KIND), ("KZ_RJXK", "任教学科", SUBJECTS)])
        .items(&[
            "教师资格认定（高级中学、中等职业学校）", "教师资格认定（幼儿园、小学、初级中学）",
            "教师资格证书补发、换发",
        ])
        .ages(21, 65),
    t("民办学校办学许可证", Moe, 2, O, "jyj", Both, y(5), 40, "教民{d6}{n7}号",
        &[MC, FZR, ZS, ("KZ_XXLX", "学校类型", SCHOOL_KIND)])
        .items(&[
            "民办普通高中设立、变更和终止审批", "民办中等职业学校设立、变更和终止审批",
            "民办幼儿园设立、变更和终止审批", "民办义务教育学校设立、变更和终止审批",
            "校外培训机构设立、变更和终止审批（文化教育类）",
        ]),
    // 国家宗教事务局
    t("宗教活动场所登记证", Sara, 1, O, "mzzj", City, FOREVER, 10, "川宗场登字{n5}号",
        &[MC, FZR, ("KZ_DZ", "地址", &[]), ("KZ_ZJ", "宗教", &["佛教", "道教", "基督教", "天主教"])])
        .items(&["宗教活动场所筹备设立审批"]),
    // 科学技术部
    t("外国人工作许可证", Most, 1, O, "kjj", City, y(1), 5, "5119{y}{n6}",
        &[("KZ_WGRXM", "外国人姓名", FOREIGN_NAME), ("KZ_PYDW", "聘用单位", &[]), ("KZ_GZLB", "工作类别", &["外国高端人才（A类）", "外国专业人才（B类）"])])
        .items(&["外国人来华工作许可"]),
    // 国家金融监督管理总局
    t("融资担保业务经营许可证", Nafr, 1, O, "jrj", City, FOREVER, 2, "川{y}{n4}",
        &[MC, XYDM, FDDBR, ZS])
        .items(&["融资担保公司设立审批（初审）"]),
    t("小额贷款公司经营许可证", Nafr, 2, O, "jrj", City, FOREVER, 3, "川小贷{y}{n4}",
        &[MC, XYDM, FDDBR, ZS])
        .items(&["小额贷款公司设立审批（初审）"]),
    // 住房和城乡建设部（城市管理）
    t("城市建筑垃圾处置核准证", Mohurd, 13, O, "zhzfj", City, y(1), 20, "巴城管建垃〔{y}〕{n4}号",
        &[MC, FDDBR, ("KZ_XNC", "消纳场", &["巴州区回风建筑垃圾消纳场", "恩阳区柳林建筑垃圾消纳场"])])
        .items(&["城市建筑垃圾处置核准"]),
    t("城市生活垃圾经营性服务许可证", Mohurd, 14, O, "zhzfj", City, y(3), 5, "巴城管垃服〔{y}〕{n4}号",
        &[MC, FDDBR, ("KZ_FWXM", "服务项目", &["清扫、收集", "运输", "处理"])])
        .items(&["从事城市生活垃圾经营性清扫、收集、运输、处理服务审批"]),
    t("户外广告设置许可证", Mohurd, 15, O, "zhzfj", City, y(3), 40, "巴城管广〔{y}〕{n5}号",
        &[MC, ("KZ_SZDD", "设置地点", &["江北大道东段", "巴州大道", "回风大道", "将军大道"]), ("KZ_GGGG", "规格", &["6m×3m", "12m×4m", "3m×1m"])])
        .items(&["设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批"]).copies(2),
    t("临时占道经营许可证", Mohurd, 16, P, "zhzfj", County, m(6), 50, "{d6}ZD{y}{n5}",
        &[XM, SFZH, ("KZ_ZDDD", "占道地点", &["农贸市场东侧", "滨河路人行道", "夜市一条街"]), ("KZ_JYXM", "经营项目", &["水果", "小吃", "日用百货"])])
        .items(&["临时占用城市道路设置摊点审批"])
        .ages(18, 75),
];
