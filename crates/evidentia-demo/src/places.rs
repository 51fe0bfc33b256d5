//! The invented region: one first-level division, four districts, forty settlements.
//!
//! Every name here was made up for the demo. The coordinates lie in open sea in the mid-Atlantic
//! (about 46.6–47.6° N, 33.6–31.4° W), far from any land or conflict, so that nothing on the demo
//! map can be read as a real place. Latin names follow the Ukrainian national transliteration of
//! 2010 (a test checks them against the Ukrainian forms).

/// The fictional region's Latin name.
pub const REGION: &str = "Tumanohirsk Region";
/// The region's name in Ukrainian.
pub const REGION_UK: &str = "Туманогірська область";
/// The region's name in Russian.
pub const REGION_RU: &str = "Туманогорская область";

/// The user-assigned ISO 3166-1 code of the fictional country.
pub const COUNTRY: &str = "XQ";

/// The region's bounding box as (south, west, north, east) in degrees; every settlement lies in it.
pub const BOUNDS: (f64, f64, f64, f64) = (46.55, -33.60, 47.65, -31.40);

/// A fictional settlement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settlement {
    /// Name in Ukrainian Cyrillic.
    pub uk: &'static str,
    /// Name in Russian Cyrillic.
    pub ru: &'static str,
    /// Name in Latin script.
    pub latin: &'static str,
    /// The district's Latin name (see [`districts`]).
    pub district: &'static str,
    pub lat: f64,
    pub lon: f64,
}

/// A fictional district (second-level division).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct District {
    pub uk: &'static str,
    pub ru: &'static str,
    pub latin: &'static str,
    /// "in the district", Ukrainian locative.
    pub(crate) uk_in: &'static str,
    /// "in the district", Russian prepositional.
    pub(crate) ru_in: &'static str,
    pub lat: f64,
    pub lon: f64,
}

/// What kind of settlement; decides the abbreviation written before its name in Cyrillic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    City,
    Town,
    Village,
}

impl Kind {
    /// The abbreviation before the name: `м.`/`г.` (city), `смт`/`пгт` (town), `с.` (village).
    pub(crate) fn prefix(self, lang: crate::text::Lang) -> &'static str {
        use crate::text::Lang;
        match (self, lang) {
            (_, Lang::En) => "",
            (Self::City, Lang::Uk) => "м. ",
            (Self::City, Lang::Ru) => "г. ",
            (Self::Town, Lang::Uk) => "смт ",
            (Self::Town, Lang::Ru) => "пгт ",
            (Self::Village, _) => "с. ",
        }
    }
}

const D1: &str = "Tumanohirsk District";
const D2: &str = "Lishchynopil District";
const D3: &str = "Skelevodsk District";
const D4: &str = "Polynsk District";

static DISTRICTS: [District; 4] = [
    District {
        uk: "Туманогірський район",
        ru: "Туманогорский район",
        latin: D1,
        uk_in: "Туманогірському районі",
        ru_in: "Туманогорском районе",
        lat: 46.85,
        lon: -33.05,
    },
    District {
        uk: "Ліщинопільський район",
        ru: "Лещинопольский район",
        latin: D2,
        uk_in: "Ліщинопільському районі",
        ru_in: "Лещинопольском районе",
        lat: 47.38,
        lon: -31.95,
    },
    District {
        uk: "Скелеводський район",
        ru: "Скелеводский район",
        latin: D3,
        uk_in: "Скелеводському районі",
        ru_in: "Скелеводском районе",
        lat: 46.82,
        lon: -31.92,
    },
    District {
        uk: "Полинський район",
        ru: "Полынский район",
        latin: D4,
        uk_in: "Полинському районі",
        ru_in: "Полынском районе",
        lat: 47.38,
        lon: -33.10,
    },
];

macro_rules! s {
    ($uk:literal, $ru:literal, $latin:literal, $d:ident, $lat:literal, $lon:literal) => {
        Settlement {
            uk: $uk,
            ru: $ru,
            latin: $latin,
            district: $d,
            lat: $lat,
            lon: $lon,
        }
    };
}

static SETTLEMENTS: [Settlement; 40] = [
    // Tumanohirsk District (south-west); the first is the regional centre.
    s!("Туманогірськ", "Туманогорск", "Tumanohirsk", D1, 46.981, -32.704),
    s!("Тихоріччя", "Тихоречье", "Tykhorichchia", D1, 46.872, -32.941),
    s!("Вербоозерне", "Вербоозёрное", "Verboozerne", D1, 46.734, -33.118),
    s!("Глиногай", "Глиногай", "Hlynohai", D1, 46.653, -32.867),
    s!("Сивоколос", "Сивоколос", "Syvokolos", D1, 47.032, -33.286),
    s!("Медвяне Поле", "Медвяное Поле", "Medviane Pole", D1, 46.915, -33.402),
    s!(
        "Журавлиний Брід",
        "Журавлиный Брод",
        "Zhuravlynyi Brid",
        D1,
        46.798,
        -32.611
    ),
    s!("Тернославка", "Тернославка", "Ternoslavka", D1, 47.061, -32.985),
    s!("Кленоводи", "Кленоводы", "Klenovody", D1, 46.689, -33.391),
    s!("Ясенобір", "Ясенобор", "Yasenobir", D1, 46.957, -33.512),
    // Lishchynopil District (north-east).
    s!("Ліщинопіль", "Лещинополь", "Lishchynopil", D2, 47.402, -32.043),
    s!("Зоряний Став", "Зоряный Став", "Zorianyi Stav", D2, 47.538, -32.274),
    s!("Вишнегори", "Вишнегоры", "Vyshnehory", D2, 47.211, -31.812),
    s!("Лозокут", "Лозокут", "Lozokut", D2, 47.595, -31.688),
    s!("Чорноброди", "Черноброды", "Chornobrody", D2, 47.327, -32.391),
    s!("Сонцебалка", "Солнцебалка", "Sontsebalka", D2, 47.154, -32.166),
    s!("Ковилорічка", "Ковылоречка", "Kovylorichka", D2, 47.469, -31.549),
    s!("Білоструг", "Белоструг", "Bilostruh", D2, 47.276, -31.603),
    s!("Гречаноліс", "Гречанолес", "Hrechanolis", D2, 47.612, -32.028),
    s!("Тополеграй", "Тополеграй", "Topolehrai", D2, 47.183, -32.452),
    // Skelevodsk District (south-east).
    s!("Скелеводськ", "Скелеводск", "Skelevodsk", D3, 46.812, -31.927),
    s!("Вітряний Гай", "Ветряный Гай", "Vitrianyi Hai", D3, 46.954, -32.213),
    s!("Рогозиця", "Рогозица", "Rohozytsia", D3, 46.621, -31.744),
    s!(
        "Солов'яний Бір",
        "Соловьиный Бор",
        "Solovianyi Bir",
        D3,
        46.703,
        -32.318
    ),
    s!("Дубомлин", "Дубомлын", "Dubomlyn", D3, 47.038, -31.655),
    s!("Розгірне", "Розгорное", "Rozghirne", D3, 46.889, -31.498),
    s!("Кремнегір", "Кремнегор", "Kremnehir", D3, 46.667, -32.102),
    s!("Жолудяни", "Желудяны", "Zholudiany", D3, 46.986, -31.872),
    s!("Яворокут", "Яворокут", "Yavorokut", D3, 46.748, -31.561),
    s!("Ключеводи", "Ключеводы", "Kliuchevody", D3, 46.593, -31.986),
    // Polynsk District (north-west).
    s!("Полинськ", "Полынск", "Polynsk", D4, 47.381, -33.047),
    s!("Чебрецеве", "Чебрецево", "Chebretseve", D4, 47.524, -33.318),
    s!("Шипшинове", "Шипшиново", "Shypshynove", D4, 47.163, -33.219),
    s!("Лелечий Кут", "Лелечий Кут", "Lelechyi Kut", D4, 47.602, -32.866),
    s!(
        "Волошкове Поле",
        "Волошковое Поле",
        "Voloshkove Pole",
        D4,
        47.297,
        -33.492
    ),
    s!(
        "Калиноберіжжя",
        "Калинобережье",
        "Kalynoberizhzhia",
        D4,
        47.448,
        -32.612
    ),
    s!("Інеєве", "Инеево", "Ineieve", D4, 47.218, -32.781),
    s!("Ожиновий Яр", "Ожиновый Яр", "Ozhynovyi Yar", D4, 47.557, -33.556),
    s!("Євшанове", "Евшаново", "Yevshanove", D4, 47.129, -33.441),
    s!("Їжакове", "Ежаково", "Yizhakove", D4, 47.356, -32.724),
];

/// Kind of each settlement, in the order of [`SETTLEMENTS`].
static KINDS: [Kind; 40] = {
    use Kind::{City as C, Town as T, Village as V};
    [
        C, V, V, V, V, V, T, V, V, V, //
        C, V, V, V, V, V, T, V, V, V, //
        C, V, V, V, V, T, V, V, V, V, //
        C, V, V, V, V, T, V, V, V, V,
    ]
};

/// How many incidents happen in a settlement relative to others: cities and towns more.
pub(crate) fn weight(i: usize) -> u32 {
    match KINDS.get(i) {
        Some(Kind::City) => 9,
        Some(Kind::Town) => 4,
        _ => 2,
    }
}

pub(crate) fn kind(i: usize) -> Kind {
    KINDS.get(i).copied().unwrap_or(Kind::Village)
}

/// The fictional settlements.
pub fn settlements() -> &'static [Settlement] {
    &SETTLEMENTS
}

/// The fictional districts.
pub fn districts() -> &'static [District] {
    &DISTRICTS
}

/// Index of a settlement's district in [`districts`].
pub(crate) fn district_of(settlement: &Settlement) -> usize {
    DISTRICTS
        .iter()
        .position(|d| d.latin == settlement.district)
        .unwrap_or(0)
}

/// Invented street names, the same street in English, Ukrainian and Russian.
pub(crate) const STREETS: [[&str; 3]; 10] = [
    ["Sadova Street", "вул. Садова", "ул. Садовая"],
    ["Shkilna Street", "вул. Шкільна", "ул. Школьная"],
    ["Polova Street", "вул. Польова", "ул. Полевая"],
    ["Tsentralna Street", "вул. Центральна", "ул. Центральная"],
    ["Lisova Street", "вул. Лісова", "ул. Лесная"],
    ["Molodizhna Street", "вул. Молодіжна", "ул. Молодёжная"],
    ["Naberezhna Street", "вул. Набережна", "ул. Набережная"],
    ["Vyshneva Street", "вул. Вишнева", "ул. Вишнёвая"],
    ["Ozerna Street", "вул. Озерна", "ул. Озёрная"],
    ["Kalynova Street", "вул. Калинова", "ул. Калиновая"],
];
