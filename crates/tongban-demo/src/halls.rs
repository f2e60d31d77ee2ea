//! The 1+5+202+N service-hall network: city and county 政务服务中心, township 便民服务中心 and village 便民服务站.

use crate::geo::{CountyGeo, Geo, Township, Village, city_code, stem};
use crate::places::{
    CITY_CENTER_ADDRESS, CITY_CENTER_NAME, CITY_CENTER_PHONE, CITY_CENTER_POS, CITY6,
};
use crate::rng::Rng;
use crate::{HallKind, HallSeed};

const HALL_SEED: u64 = 0x5119_0020_2600_0002;

const CENTER_HOURS: &str =
    "周一至周五 9:00-12:00，13:30-17:30；周六 9:00-12:00（延时服务）；法定节假日除外";
const TOWNSHIP_HOURS: &str = "周一至周五 8:30-12:00，14:00-17:30；法定节假日除外";
const VILLAGE_HOURS: &str = "周一至周五 9:00-12:00，14:30-17:00；周末村（社区）干部轮值";

/// Hall key of the city centre.
pub(crate) fn city_key() -> String {
    format!("hall-{CITY6}")
}

/// Hall key of a county centre.
pub(crate) fn county_key(county: &CountyGeo) -> String {
    format!("hall-{}", county.info.code6)
}

/// Hall key of a township centre (9-digit prefix).
pub(crate) fn township_key(township: &Township) -> String {
    format!("hall-{}", &township.code[..9])
}

/// Hall key of a village station (full code).
pub(crate) fn village_key(village: &Village) -> String {
    format!("hall-{}", village.code)
}

fn phone(rng: &mut Rng, prefix: &str) -> String {
    format!("0827-{prefix}{:05}", rng.below(100_000))
}

/// All halls, top tier first.
pub(crate) fn build(geo: &Geo) -> Vec<HallSeed> {
    let mut rng = Rng::new(HALL_SEED);
    let mut out = vec![HallSeed {
        key: city_key(),
        name: CITY_CENTER_NAME.to_owned(),
        kind: HallKind::CityCenter,
        division_code: city_code(),
        address: CITY_CENTER_ADDRESS.to_owned(),
        phone: CITY_CENTER_PHONE.to_owned(),
        latitude_e6: CITY_CENTER_POS.0,
        longitude_e6: CITY_CENTER_POS.1,
        opening_hours: CENTER_HOURS.to_owned(),
    }];
    for c in &geo.counties {
        out.push(HallSeed {
            key: county_key(c),
            name: format!("{}政务服务中心", c.info.name),
            kind: HallKind::CountyCenter,
            division_code: c.code.clone(),
            address: c.info.center_address.to_owned(),
            phone: phone(&mut rng, c.info.phone_prefix),
            latitude_e6: c.info.seat.0,
            longitude_e6: c.info.seat.1,
            opening_hours: CENTER_HOURS.to_owned(),
        });
    }
    for c in &geo.counties {
        for t in &c.townships {
            let address = if t.street {
                format!(
                    "{}{}{}{}号",
                    c.info.name,
                    t.name,
                    rng.pick(c.info.roads),
                    1 + rng.below(300)
                )
            } else {
                let street = rng.pick(&["正街", "新街", "中街", "老街"]);
                let n = 1 + rng.below(120);
                format!("{}{}{}{street}{n}号", c.info.name, t.name, stem(&t.name))
            };
            out.push(HallSeed {
                key: township_key(t),
                name: format!("{}{}便民服务中心", c.info.name, t.name),
                kind: HallKind::TownshipCenter,
                division_code: t.code.clone(),
                address,
                phone: phone(&mut rng, c.info.phone_prefix),
                latitude_e6: t.pos.0,
                longitude_e6: t.pos.1,
                opening_hours: TOWNSHIP_HOURS.to_owned(),
            });
        }
    }
    for (c, t, v) in geo.villages() {
        let address = if t.street {
            format!(
                "{}{}{}{}{}号",
                c.info.name,
                t.name,
                v.name,
                rng.pick(c.info.roads),
                1 + rng.below(400)
            )
        } else {
            format!("{}{}{}{}组", c.info.name, t.name, v.name, 1 + rng.below(9))
        };
        out.push(HallSeed {
            key: village_key(v),
            name: format!("{}{}便民服务站", t.name, v.name),
            kind: HallKind::VillageStation,
            division_code: v.code.clone(),
            address,
            phone: phone(&mut rng, c.info.phone_prefix),
            latitude_e6: v.pos.0,
            longitude_e6: v.pos.1,
            opening_hours: VILLAGE_HOURS.to_owned(),
        });
    }
    out
}
