//! Per-department profiles of the licensing items: themes, 受理条件, 特别程序 and material pools.

use tongban_domain::catalog::Theme;

use super::materials::{
    BUSINESS_LICENCE, COMMITMENT, HUKOU, ID_CARD, MatDef, PROPERTY, SITE_PROOF, commit, gov, miss,
    other, own,
};
use super::model::Profile;

const GENERAL: &[&str] = &[
    "申请人具有完全民事行为能力，或者为依法设立的法人、非法人组织。",
    "申请材料齐全、符合法定形式，内容真实有效。",
    "申请事项符合有关法律法规和国家、四川省有关规定。",
];

/// Profile for departments without their own.
pub(crate) const DEFAULT: Profile = Profile {
    slug: "",
    themes: &[],
    conditions: GENERAL,
    specials: &["现场核查"],
    pool: &[own("申请事项情况说明"), miss("相关证明材料"), COMMITMENT],
};

const fn profile(
    slug: &'static str,
    themes: &'static [Theme],
    conditions: &'static [&'static str],
    specials: &'static [&'static str],
    pool: &'static [MatDef],
) -> Profile {
    Profile {
        slug,
        themes,
        conditions,
        specials,
        pool,
    }
}

#[rustfmt::skip]
pub(crate) const PROFILES: &[Profile] = &[
    profile("scjgj", &[Theme::Business], &[
        "申请人已依法取得营业执照或者其他主体资格证明。",
        "具有与申请事项相适应的场所、设备设施和专业技术人员。",
        "具有保证产品质量安全的管理制度和操作规程。",
    ], &["现场核查", "检验检测"], &[
        SITE_PROOF, miss("主要设备设施布局图及工艺流程图"), commit("质量安全管理制度文本"),
        miss("专业技术人员资格证明"), PROPERTY,
    ]),
    profile("zjj", &[Theme::Construction], &[
        "已依法取得建设用地使用权及建设工程规划许可。",
        "施工图设计文件已按规定审查合格，建设资金已经落实。",
        "有保证工程质量和安全的具体措施。",
    ], &["专家评审", "现场勘验", "公示"], &[
        gov("建设工程规划许可证", "建设工程规划许可证"), own("施工合同"),
        miss("施工图设计文件审查合格书"), commit("建设资金已经落实承诺书"), PROPERTY,
    ]),
    profile("zrzyj", &[Theme::Construction], &[
        "建设项目符合国土空间规划和用途管制要求。",
        "已取得项目批准、核准或者备案文件。",
        "用地范围清楚，权属无争议。",
    ], &["专家评审", "听证", "公示"], &[
        own("建设项目批准、核准或者备案文件"), miss("建设工程设计方案"), PROPERTY,
        other("勘测定界报告及宗地图"), commit("土地权属无争议承诺书"),
    ]),
    profile("jtj", &[Theme::Business], &[
        "有与其经营业务相适应并经检测合格的车辆（船舶）。",
        "有符合规定条件的驾驶人员或者从业人员。",
        "有健全的安全生产管理制度。",
    ], &["现场核查"], &[
        gov("机动车行驶证", "机动车行驶证"), gov("道路运输从业人员从业资格证", "道路运输从业人员从业资格证"),
        commit("安全生产管理制度文本"), commit("停车场地使用证明"), miss("车辆技术等级评定证明"),
    ]),
    profile("wjw", &[], &[
        "符合区域卫生规划和医疗机构设置规划。",
        "有与执业活动相适应的场所、设备和卫生技术人员。",
        "有相应的规章制度和质量安全管理措施。",
    ], &["现场核查", "专家评审"], &[
        gov("医疗机构执业许可证", "医疗机构执业许可证"), miss("场所平面布局图"),
        commit("医疗质量安全管理制度"), other("卫生检测报告"), gov("医师资格证书", "医师资格证书"),
    ]),
    profile("sthjj", &[Theme::Construction], &[
        "建设项目符合生态环境保护法律法规和相关规划。",
        "采取的污染防治措施能够确保污染物排放达到国家和地方标准。",
    ], &["专家评审", "公示", "听证"], &[
        other("环境影响报告书（表）"), miss("污染物排放监测报告"), commit("排污单位承诺书"),
        own("排污口设置论证材料"),
    ]),
    profile("slj", &[Theme::Construction], &[
        "符合流域综合规划、防洪规划和水资源管理要求。",
        "不影响防洪安全、河势稳定和第三者合法的水事权益。",
    ], &["专家评审", "现场勘验"], &[
        other("建设项目水资源论证报告"), other("水土保持方案报告书"), miss("防洪评价报告"),
        commit("与第三者利害关系的说明及承诺"),
    ]),
    profile("wglj", &[Theme::Business], &[
        "有与经营活动相适应的场所、设施和专业人员。",
        "经营场所符合消防、安全和环境保护要求。",
        "不在法律法规禁止设立的区域内。",
    ], &["现场核查", "听证"], &[
        SITE_PROOF, miss("消防安全检查合格证明"), own("节目（活动）内容说明"), PROPERTY,
    ]),
    profile("gaj", &[], &[
        "申请人身份合法，无法律法规规定的不予许可情形。",
        "具有相应的安全管理制度和防范措施。",
    ], &["现场核查"], &[
        HUKOU, commit("安全管理制度及应急预案"), own("购销合同或者活动方案"), miss("从业人员名单及身份证明"),
    ]),
    profile("jyj", &[Theme::School], &[
        "举办者具有政治权利和完全民事行为能力，或者为依法设立的组织。",
        "有符合标准的办学场所、设施设备和合格的教师。",
        "有必备的办学资金和稳定的经费来源。",
    ], &["专家评审", "现场核查"], &[
        own("举办者资格证明"), commit("办学场所使用证明"), own("学校章程"), miss("资产及经费来源证明"),
        gov("教师资格证书", "教师资格证书"),
    ]),
    profile("mzj", &[], &[
        "有规范的名称、组织机构和固定住所。",
        "有与其业务活动相适应的专职工作人员和合法的资产、经费来源。",
    ], &["专家评审", "公示"], &[
        own("章程草案"), commit("住所使用证明"), miss("验资报告"), own("业务主管单位批准文件"),
    ]),
    profile("nyncj", &[Theme::Business], &[
        "有与经营规模相适应的场所、设施设备和专业技术人员。",
        "有健全的质量管理、防疫和安全制度。",
    ], &["现场核查", "检验检测"], &[
        SITE_PROOF, miss("专业技术人员证明"), gov("动物防疫条件合格证", "动物防疫条件合格证"), HUKOU,
    ]),
    profile("lyj", &[], &[
        "林木、林地权属清楚，无争议。",
        "符合森林经营方案和年度采伐限额管理规定。",
    ], &["现场勘验"], &[
        PROPERTY, miss("伐区调查设计或者作业设计"), own("使用林地现状调查表"), commit("林地补偿协议"),
    ]),
    profile("yjj", &[Theme::Business], &[
        "有符合国家标准、行业标准的经营场所和储存设施。",
        "从业人员经过专业技术培训并经考核合格。",
        "有健全的安全管理规章制度和事故应急救援预案。",
    ], &["现场核查", "专家评审"], &[
        commit("安全生产管理制度和岗位操作规程"), other("安全评价报告"),
        gov("主要负责人和安全管理人员考核合格证", "安全生产知识和管理能力考核合格证"), commit("储存场所使用证明"),
    ]),
    profile("rsj", &[Theme::Work], &[
        "有与开展业务相适应的固定经营场所、办公设施和专职工作人员。",
        "有健全的业务管理制度。",
    ], &["现场核查"], &[
        commit("经营场所使用证明"), own("业务管理制度"), miss("专职工作人员名单及资格证明"),
    ]),
    profile("fgw", &[Theme::Construction], GENERAL, &["专家评审"], &[
        other("项目申请报告（可行性研究报告）"), miss("规划选址、用地预审意见"), commit("项目单位承诺书"),
    ]),
    profile("swuj", &[Theme::Business], GENERAL, &[], &[
        own("纳税人书面申请及情况说明"), miss("相关财务报表"),
    ]),
    profile("xfzd", &[Theme::Business], &[
        "场所已依法取得营业执照，建筑消防设施完好有效。",
        "场所具有消防安全管理制度和应急疏散预案。",
    ], &["现场核查"], &[
        commit("消防安全制度和灭火应急疏散预案"), other("消防设施检测报告"),
    ]),
    profile("zhzfj", &[], GENERAL, &["现场核查"], &[
        own("设置方案及效果图"), commit("安全责任承诺书"), PROPERTY,
    ]),
    profile("gxs", &[Theme::Business], &[
        "有与经营烟草制品相适应的资金和固定的经营场所。",
        "符合当地烟草制品零售点合理布局要求。",
    ], &["现场核查"], &[SITE_PROOF, ID_CARD]),
    profile("kjj", &[Theme::Work], &[
        "外国人年满 18 周岁，身体健康，无犯罪记录。",
        "用人单位已依法设立，聘用岗位确有需要。",
    ], &[], &[
        other("外国人体检证明"), other("无犯罪记录证明"), own("劳动合同或者聘用意向书"),
    ]),
    profile("qxj", &[Theme::Construction], GENERAL, &["现场核查"], &[
        other("雷电防护装置设计技术评价报告"), own("施工图纸"),
    ]),
    profile("zfb", &[], GENERAL, &["公示"], &[PROPERTY, own("项目说明")]),
    profile("gjj", &[Theme::Housing], GENERAL, &[], &[
        own("职工代表大会或者工会讨论通过的决议"), miss("单位近期财务报表"), BUSINESS_LICENCE,
    ]),
];

/// The profile of a department kind, or the default one.
pub(crate) fn profile_of(slug: &str) -> &'static Profile {
    PROFILES.iter().find(|p| p.slug == slug).unwrap_or(&DEFAULT)
}
