//! The national authorities that define the demo's licence types (证照定义机构) and their credit codes.

use crate::codes;

/// A defining authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Auth {
    Mps,
    Nia,
    Mca,
    Mohrss,
    Nhsa,
    Cdpf,
    Mva,
    Nhc,
    Moe,
    Moj,
    Samr,
    Nmpa,
    Mofcom,
    Stma,
    Spb,
    Mof,
    Mct,
    Nppa,
    Cfa,
    Nrta,
    Gasc,
    Mohurd,
    Mnr,
    Mot,
    Mee,
    Mwr,
    Cma,
    Nfra,
    Miit,
    Moa,
    Nfga,
    Mem,
    Sara,
    Most,
    Nafr,
}

/// Category ("11" 机关, "12" 事业单位, "13" 群团) and 8-character organisation-code body of each
/// authority. 住房和城乡建设部 has its real code (11100000000013338W); the others are
/// real-looking national-level codes whose check characters are computed.
const TABLE: &[(Auth, &str, &str, &str)] = &[
    (Auth::Mps, "公安部", "11", "00001971"),
    (Auth::Nia, "国家移民管理局", "11", "MB1541A3"),
    (Auth::Mca, "民政部", "11", "00001301"),
    (Auth::Mohrss, "人力资源和社会保障部", "11", "00001345"),
    (Auth::Nhsa, "国家医疗保障局", "11", "MB1C5J37"),
    (Auth::Cdpf, "中国残疾人联合会", "13", "40000617"),
    (Auth::Mva, "退役军人事务部", "11", "MB1C4H68"),
    (Auth::Nhc, "国家卫生健康委员会", "11", "MB1C7Q28"),
    (Auth::Moe, "教育部", "11", "00001302"),
    (Auth::Moj, "司法部", "11", "00001319"),
    (Auth::Samr, "国家市场监督管理总局", "11", "MB1967N4"),
    (Auth::Nmpa, "国家药品监督管理局", "11", "MB1E8R30"),
    (Auth::Mofcom, "商务部", "11", "00001360"),
    (Auth::Stma, "国家烟草专卖局", "11", "00001381"),
    (Auth::Spb, "国家邮政局", "11", "00001395"),
    (Auth::Mof, "财政部", "11", "00001312"),
    (Auth::Mct, "文化和旅游部", "11", "MB1C9X41"),
    (Auth::Nppa, "国家新闻出版署", "11", "MB1F2L63"),
    (Auth::Cfa, "国家电影局", "11", "MB1F3P05"),
    (Auth::Nrta, "国家广播电视总局", "11", "MB1E5Q19"),
    (Auth::Gasc, "国家体育总局", "11", "00001376"),
    (Auth::Mohurd, "住房和城乡建设部", "11", "00001333"),
    (Auth::Mnr, "自然资源部", "11", "MB1D2T56"),
    (Auth::Mot, "交通运输部", "11", "00001309"),
    (Auth::Mee, "生态环境部", "11", "MB1D3K72"),
    (Auth::Mwr, "水利部", "11", "00001317"),
    (Auth::Cma, "中国气象局", "12", "40000914"),
    (Auth::Nfra, "国家消防救援局", "11", "MB1G2N75"),
    (Auth::Miit, "工业和信息化部", "11", "71783170"),
    (Auth::Moa, "农业农村部", "11", "MB1D1W87"),
    (Auth::Nfga, "国家林业和草原局", "11", "MB1D5M24"),
    (Auth::Mem, "应急管理部", "11", "MB1C6R93"),
    (Auth::Sara, "国家宗教事务局", "11", "00001357"),
    (Auth::Most, "科学技术部", "11", "00001305"),
    (Auth::Nafr, "国家金融监督管理总局", "11", "MB2H3U48"),
];

/// Name of an authority.
pub(crate) fn name(auth: Auth) -> &'static str {
    TABLE
        .iter()
        .find(|row| row.0 == auth)
        .map_or("", |row| row.1)
}

/// The authority's 18-character 统一社会信用代码 (national level: division 100000).
pub(crate) fn uscc(auth: Auth) -> Option<String> {
    let row = TABLE.iter().find(|row| row.0 == auth)?;
    codes::uscc(row.2, "100000", row.3)
}

#[cfg(test)]
pub(crate) fn all() -> impl Iterator<Item = Auth> {
    TABLE.iter().map(|row| row.0)
}
