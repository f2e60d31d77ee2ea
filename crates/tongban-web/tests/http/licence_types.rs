//! The public 证照目录: the list of licence types with a search, and one type with its face
//! fields, issuing items, replaced materials and 互通互认清单.

use tongban_app::licences::TypeSeed;
use tongban_domain::licence::{
    FaceField, HolderKind, LicenceType, LicenceTypeCode, Recognition, Validity,
};

use crate::support::spawn_app;

const MARKET: &str = "511900-scjgj";

fn types() -> (Vec<LicenceType>, Vec<Recognition>) {
    let food = LicenceType {
        code: LicenceTypeCode::new("11100000000013338W", 901).unwrap(),
        name: "食品经营许可证".into(),
        authority_name: "国家市场监督管理总局".into(),
        holder_kind: HolderKind::Organisation,
        issuing_department_ids: vec![MARKET.into()],
        validity: Validity::Years(5),
        face_fields: vec![FaceField {
            key: "KZ_JYFW".into(),
            label: "经营项目".into(),
            required: true,
        }],
        issuing_items: vec!["000123456000".into()],
        replaces_materials: vec!["食品经营许可证复印件".into()],
    };
    let mut marriage = food.clone();
    marriage.code = LicenceTypeCode::new("11100000000013338W", 902).unwrap();
    marriage.name = "结婚证".into();
    marriage.holder_kind = HolderKind::Person;
    marriage.validity = Validity::Permanent;
    let rec = Recognition {
        department_id: MARKET.into(),
        type_code: food.code.clone(),
        item_code: None,
    };
    (vec![food, marriage], vec![rec])
}

#[tokio::test]
async fn anyone_can_browse_the_licence_catalogue_and_see_who_may_use_a_type() {
    let app = spawn_app().await;
    let (types, recognitions) = types();
    app.app
        .load_licence_catalogue(
            None,
            TypeSeed {
                types,
                recognitions,
            },
        )
        .await
        .unwrap();

    let list = app
        .client
        .get(app.url("/licences/types"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(html.contains("共 2 种"));
    assert!(html.contains("食品经营许可证") && html.contains("结婚证"));

    let found = app
        .client
        .get(app.url("/licences/types?q=结婚"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("结婚证") && !found.contains(">食品经营许可证<"));

    let one = app
        .client
        .get(app.url("/licences/types/11100000000013338W901"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "经营项目",
        "000123456000",
        "食品经营许可证复印件",
        "本部门办理的全部事项",
        "5年",
    ] {
        assert!(one.contains(expected), "{expected}");
    }
    let missing = app
        .client
        .get(app.url("/licences/types/NOPE"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
