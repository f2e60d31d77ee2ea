//! Valid samples of every input, the starting points of the seeded test's mutations (and the
//! fuzz targets' corpora, written out by `tests/seeded.rs` when asked).

use std::sync::OnceLock;

use time::macros::date;
use tongban_demo::{DemoCity, DemoConfig};
use tongban_domain::licence::identifier::LicenceId;
use tongban_domain::licence::kind::LicenceType;
use tongban_domain::licence::payload::{LicenceFile, SignedLicence};
use tongban_domain::licence::signed::SignedHeader;

/// A small demo city (its departments, people and licence types are the real ones).
pub(crate) fn city() -> &'static DemoCity {
    static CITY: OnceLock<DemoCity> = OnceLock::new();
    CITY.get_or_init(|| {
        tongban_demo::generate(&DemoConfig {
            seed: 7,
            citizens: 4,
            enterprises: 4,
        })
    })
}

/// The first licence type of the demo's catalogue that a department issues.
pub(crate) fn first_type(city: &DemoCity) -> LicenceType {
    let types = tongban_demo::licence_types(city);
    types
        .iter()
        .find(|t| !t.issuing_department_ids.is_empty())
        .or(types.first())
        .cloned()
        .unwrap_or_else(|| panic!("the demo has licence types"))
}

fn licence_id() -> LicenceId {
    let city = city();
    let lt = first_type(city);
    let issuer = city
        .departments
        .first()
        .map(|d| d.uscc.clone())
        .unwrap_or_default();
    LicenceId::generate(&lt.code, &issuer, "A1B2C3D4E5", 1)
        .unwrap_or_else(|e| panic!("a demo identifier: {e}"))
}

fn header() -> SignedHeader {
    let lt = first_type(city());
    SignedHeader {
        id: licence_id(),
        name: lt.name.clone(),
        number: "巴市监字2026第0001号".into(),
        holder_name: "张三".into(),
        holder_kind: lt.holder_kind,
        holder_code_sm3: "ab".repeat(32),
        issuer_name: "巴中市市场监督管理局".into(),
        issued_on: date!(2026 - 03 - 01),
        valid_from: date!(2026 - 03 - 01),
        valid_until: Some(date!(2031 - 02 - 28)),
        key_id: "k1".into(),
        face_sm3: "cd".repeat(32),
    }
}

fn list_csv() -> Vec<u8> {
    let mut out =
        String::from("事项编码,事项名称,事项类型,实施部门,行使层级,设定依据,责任事项,追责情形\n");
    for i in 1..=3 {
        out.push_str(&format!(
            "QZ-{i},对第{i}类违法行为的处罚,行政处罚,511900-scjgj,市级,《行政处罚法》,立案责任,不依法立案的\n\
             QZ-{i},,02,,,,调查责任,不依法调查的\n"
        ));
    }
    out.into_bytes()
}

fn licence_csv() -> Vec<u8> {
    let city = city();
    let lt = first_type(city);
    let mut headers: Vec<String> = tongban_app_headers();
    let mut cells: Vec<String> = vec![
        lt.code.to_string(),
        String::new(),
        "NO-0001".into(),
        "张三".into(),
        match lt.holder_kind {
            tongban_domain::licence::kind::HolderKind::Person => city
                .citizens
                .first()
                .map(|c| c.id_number.clone())
                .unwrap_or_default(),
            tongban_domain::licence::kind::HolderKind::Organisation => city
                .enterprises
                .first()
                .map(|e| e.uscc.clone())
                .unwrap_or_default(),
        },
        "2026-03-01".into(),
        "2026-03-01".into(),
    ];
    for field in &lt.face_fields {
        headers.push(field.label.clone());
        cells.push("示例".into());
    }
    format!("{}\n{}\n", headers.join(","), cells.join(",")).into_bytes()
}

fn tongban_app_headers() -> Vec<String> {
    [
        "证照类型代码",
        "证照标识",
        "证照编号",
        "持证主体名称",
        "持证主体代码",
        "颁发日期",
        "有效期起始日期",
    ]
    .map(String::from)
    .to_vec()
}

/// Valid (or nearly valid) samples for the check called `name`.
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    let city = city();
    let text = |s: &str| s.as_bytes().to_vec();
    match name {
        "resident_id" => city
            .citizens
            .iter()
            .map(|c| c.id_number.clone().into_bytes())
            .chain([text("11010519491231002X"), text(" 11010519491231002X ")])
            .collect(),
        "uscc" => city
            .enterprises
            .iter()
            .map(|e| e.uscc.clone().into_bytes())
            .chain(
                city.departments
                    .iter()
                    .take(3)
                    .map(|d| d.uscc.clone().into_bytes()),
            )
            .chain([text("91350200776049653A")])
            .collect(),
        "licence_id" => vec![licence_id().to_string().into_bytes()],
        "qr_payload" => {
            let signed = SignedLicence {
                header_bytes: header().to_bytes(),
                signature: vec![0x30, 0x44, 0x02, 0x20, 7, 7, 7],
            };
            vec![
                signed.qr_payload().into_bytes(),
                format!("https://tongban.example/v?p={}", signed.qr_payload()).into_bytes(),
                header().to_bytes(),
            ]
        }
        "licence_file" => {
            let signed = SignedLicence {
                header_bytes: header().to_bytes(),
                signature: vec![1, 2, 3, 4],
            };
            let face = [("KZ_JYFW".to_string(), "食品销售".to_string())].into();
            vec![LicenceFile::new(&signed, &face).to_json().into_bytes()]
        }
        "calendar_year" => vec![text(
            r#"{"year":2026,"source":"国务院办公厅通知","holidays":[{"date":"2026-01-01","name":"元旦"},{"date":"2026-10-01","name":"国庆节"}],"makeup_workdays":[{"date":"2026-01-04","name":"元旦"}]}"#,
        )],
        "list_import" => vec![list_csv()],
        "licence_rows" => vec![licence_csv()],
        "api_json" => vec![
            text(r#"{"login":"clerk","password":"Tongban@2026"}"#),
            text(
                r#"{"name":"巴中市政务服务中心","address":"江北大道","phone":"0827-5200000","latitude":"31.858","longitude":"106.747","opening_hours":"9:00"}"#,
            ),
            text(r#"{"start":"2026-11-02","limit":20,"unit":"working_days","pauses":[]}"#),
            text(r#"{"action":"accept","revision":3,"comment":"ok","materials":[]}"#),
        ],
        _ => Vec::new(),
    }
}
