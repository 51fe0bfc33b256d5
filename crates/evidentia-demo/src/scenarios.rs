//! Kinds of incident the demo invents, each with the categories, weapons, damaged objects and
//! casualty figures that usually go together, and its wording in English, Ukrainian and Russian.
//!
//! Nothing here depends on who is alleged to be responsible: the alleged perpetrator is drawn
//! independently of the kind of incident, so every party is alleged in every category.

/// `[en, uk, ru]`.
pub(crate) type Tr = [&'static str; 3];

/// One way of titling an incident of a kind, with the objects that title implies.
pub(crate) struct Variant {
    pub title: Tr,
    /// Damaged-object types, the first always, the others sometimes; `type/n` takes the `n`th
    /// of [`object_descriptions`] (the one the title speaks of).
    pub objects: &'static [&'static str],
    /// At least one child among the casualties (an unexploded shell found by children).
    pub children: bool,
}

/// How often a casualty figure is reported (percent) and its largest value.
#[derive(Clone, Copy)]
pub(crate) struct Figure {
    pub percent: u32,
    pub max: u32,
}

const NONE: Figure = Figure { percent: 0, max: 0 };

const fn f(percent: u32, max: u32) -> Figure {
    Figure { percent, max }
}

pub(crate) struct Scenario {
    pub weight: u32,
    pub categories: &'static [&'static str],
    /// Categories added with a probability in percent.
    pub extra: &'static [(&'static str, u32)],
    /// Added when someone was killed, with a probability in percent.
    pub killing: u32,
    /// Weapon types, one or two of which are recorded (`armed` percent of the time).
    pub weapons: &'static [&'static str],
    pub armed: u32,
    pub killed: Figure,
    pub injured: Figure,
    pub missing: Figure,
    /// Named persons detained (not a reported figure).
    pub detained: Figure,
    /// Percent of casualties who are children.
    pub child_share: u32,
    pub variants: &'static [Variant],
    /// First sentence of the description.
    pub openings: &'static [Tr],
    /// Detention, disappearance and the like: long spans, rarely instants.
    pub long_running: bool,
    /// Sexual violence: never public, survivors not named.
    pub sensitive: bool,
    /// Casualties usually expected: say so when none were reported.
    pub expects_casualties: bool,
}

const fn v(title: Tr, objects: &'static [&'static str]) -> Variant {
    Variant {
        title,
        objects,
        children: false,
    }
}

pub(crate) static SCENARIOS: [Scenario; 20] = [
    // 0: shelling of residential areas
    Scenario {
        weight: 26,
        categories: &["indiscriminate_attack"],
        extra: &[("attack_on_civilian_object", 80), ("attack_on_civilians", 25)],
        killing: 0,
        weapons: &["artillery", "mortar", "multiple_rocket_launcher", "artillery"],
        armed: 85,
        killed: f(45, 8),
        injured: f(70, 16),
        missing: NONE,
        detained: NONE,
        child_share: 12,
        variants: &[
            v(
                [
                    "Shelling of a residential street {in}",
                    "Обстріл житлової вулиці {in}",
                    "Обстрел жилой улицы {in}",
                ],
                &["residential", "vehicle/0", "power/1"],
            ),
            v(
                [
                    "Shelling of residential buildings {in}",
                    "Обстріл житлових будинків {in}",
                    "Обстрел жилых домов {in}",
                ],
                &["residential/1", "shelter", "heating/1"],
            ),
            v(
                [
                    "Shelling of the private housing sector {in}",
                    "Обстріл приватного сектору {in}",
                    "Обстрел частного сектора {in}",
                ],
                &["residential/0", "agricultural/2"],
            ),
            v(
                [
                    "Night-time shelling of a residential quarter {in}",
                    "Нічний обстріл житлового кварталу {in}",
                    "Ночной обстрел жилого квартала {in}",
                ],
                &["residential/1", "market/1", "transport/1"],
            ),
            v(
                [
                    "Shelling of houses on the outskirts {near}",
                    "Обстріл будинків на околиці {near}",
                    "Обстрел домов на окраине {near}",
                ],
                &["residential/0", "agricultural/0"],
            ),
        ],
        openings: &[
            [
                "{Date} several shells hit a residential street {in}.",
                "{Date} кілька снарядів влучили в житлову вулицю {in}.",
                "{Date} несколько снарядов попали в жилую улицу {in}.",
            ],
            [
                "{Date} the residential area {in} came under fire; shells landed between the houses.",
                "{Date} житловий сектор {in} потрапив під обстріл; снаряди розривалися між будинками.",
                "{Date} жилой сектор {in} попал под обстрел; снаряды разрывались между домами.",
            ],
        ],
        long_running: false,
        sensitive: false,
        expects_casualties: true,
    },
    // 1: schools
    Scenario {
        weight: 5,
        categories: &["attack_on_civilian_object"],
        extra: &[("indiscriminate_attack", 50)],
        killing: 0,
        weapons: &["artillery", "missile", "aerial_bomb", "uncrewed_aerial_vehicle"],
        armed: 80,
        killed: f(15, 3),
        injured: f(35, 6),
        missing: NONE,
        detained: NONE,
        child_share: 35,
        variants: &[
            v(
                ["Strike on a school {in}", "Удар по школі {in}", "Удар по школе {in}"],
                &["school/0"],
            ),
            v(
                [
                    "Damage to a kindergarten {in}",
                    "Пошкодження дитячого садка {in}",
                    "Повреждение детского сада {in}",
                ],
                &["school/1", "residential/3"],
            ),
            v(
                [
                    "Shelling of a school building {in}",
                    "Обстріл будівлі школи {in}",
                    "Обстрел здания школы {in}",
                ],
                &["school/0", "shelter"],
            ),
        ],
        openings: &[[
            "{Date} an educational facility {in} was hit; the windows and the roof were damaged.",
            "{Date} було влучання в навчальний заклад {in}; пошкоджено вікна та дах.",
            "{Date} произошло попадание в учебное заведение {in}; повреждены окна и крыша.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 2: medical care
    Scenario {
        weight: 5,
        categories: &["attack_on_medical_care", "attack_on_civilian_object"],
        extra: &[("indiscriminate_attack", 30)],
        killing: 0,
        weapons: &[
            "artillery",
            "missile",
            "aerial_bomb",
            "uncrewed_aerial_vehicle",
            "small_arms",
        ],
        armed: 80,
        killed: f(30, 4),
        injured: f(55, 8),
        missing: NONE,
        detained: NONE,
        child_share: 8,
        variants: &[
            v(
                [
                    "Strike on a hospital {in}",
                    "Удар по лікарні {in}",
                    "Удар по больнице {in}",
                ],
                &["medical/0", "power/0"],
            ),
            v(
                [
                    "Shelling of an outpatient clinic {in}",
                    "Обстріл амбулаторії {in}",
                    "Обстрел амбулатории {in}",
                ],
                &["medical/1"],
            ),
            v(
                [
                    "Attack on an ambulance {near}",
                    "Напад на автомобіль швидкої допомоги {near}",
                    "Нападение на машину скорой помощи {near}",
                ],
                &["medical/2"],
            ),
        ],
        openings: &[[
            "{Date} medical workers {in} came under attack while on duty.",
            "{Date} медичні працівники {in} зазнали нападу під час виконання обов'язків.",
            "{Date} медицинские работники {in} подверглись нападению при исполнении обязанностей.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 3: crowded public places
    Scenario {
        weight: 5,
        categories: &["indiscriminate_attack", "attack_on_civilians"],
        extra: &[("attack_on_civilian_object", 60)],
        killing: 0,
        weapons: &["aerial_bomb", "missile", "multiple_rocket_launcher"],
        armed: 90,
        killed: f(80, 16),
        injured: f(95, 40),
        missing: f(10, 3),
        detained: NONE,
        child_share: 10,
        variants: &[
            v(
                ["Strike on a market {in}", "Удар по ринку {in}", "Удар по рынку {in}"],
                &["market/0", "vehicle/0"],
            ),
            v(
                [
                    "Shelling of a bus stop {in}",
                    "Обстріл зупинки громадського транспорту {in}",
                    "Обстрел остановки общественного транспорта {in}",
                ],
                &["transport/1", "vehicle/1"],
            ),
            v(
                [
                    "Strike on a shopping street {in}",
                    "Удар по торговій вулиці {in}",
                    "Удар по торговой улице {in}",
                ],
                &["market/1", "residential/2"],
            ),
        ],
        openings: &[
            [
                "{Date} a strike hit a crowded public place {in}.",
                "{Date} удар припав на людне місце {in}.",
                "{Date} удар пришёлся на людное место {in}.",
            ],
            [
                "{Date} explosions hit a place {in} where many people had gathered.",
                "{Date} вибухи пролунали в місці {in}, де зібралося багато людей.",
                "{Date} взрывы прогремели в месте {in}, где собралось много людей.",
            ],
        ],
        long_running: false,
        sensitive: false,
        expects_casualties: true,
    },
    // 4: drones against vehicles
    Scenario {
        weight: 6,
        categories: &["attack_on_civilians"],
        extra: &[("attack_on_civilian_object", 40)],
        killing: 20,
        weapons: &["uncrewed_aerial_vehicle"],
        armed: 100,
        killed: f(40, 3),
        injured: f(65, 4),
        missing: NONE,
        detained: NONE,
        child_share: 6,
        variants: &[
            v(
                [
                    "Drone attack on a civilian car {near}",
                    "Атака дрона на цивільний автомобіль {near}",
                    "Атака дрона на гражданский автомобиль {near}",
                ],
                &["vehicle/0"],
            ),
            v(
                [
                    "Drone strike on a bus {near}",
                    "Удар дрона по автобусу {near}",
                    "Удар дрона по автобусу {near}",
                ],
                &["vehicle/1", "transport/0"],
            ),
            v(
                [
                    "Drone attack on a tractor in a field {near}",
                    "Атака дрона на трактор у полі {near}",
                    "Атака дрона на трактор в поле {near}",
                ],
                &["vehicle/2", "agricultural/0"],
            ),
        ],
        openings: &[[
            "{Date} a drone attacked a civilian vehicle on the road {near}.",
            "{Date} дрон атакував цивільний транспортний засіб на дорозі {near}.",
            "{Date} дрон атаковал гражданское транспортное средство на дороге {near}.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 5: infrastructure
    Scenario {
        weight: 7,
        categories: &["attack_on_civilian_object"],
        extra: &[("indiscriminate_attack", 20)],
        killing: 0,
        weapons: &["missile", "uncrewed_aerial_vehicle", "artillery"],
        armed: 85,
        killed: f(5, 2),
        injured: f(20, 3),
        missing: NONE,
        detained: NONE,
        child_share: 5,
        variants: &[
            v(
                [
                    "Strike on an electrical substation {in}",
                    "Удар по електропідстанції {in}",
                    "Удар по электроподстанции {in}",
                ],
                &["power/0"],
            ),
            v(
                [
                    "Damage to the water pumping station {in}",
                    "Пошкодження водонасосної станції {in}",
                    "Повреждение водонасосной станции {in}",
                ],
                &["water/0", "power/1"],
            ),
            v(
                [
                    "Strike on the district boiler house {in}",
                    "Удар по районній котельні {in}",
                    "Удар по районной котельной {in}",
                ],
                &["heating/0"],
            ),
            v(
                [
                    "Damage to a bridge {near}",
                    "Пошкодження мосту {near}",
                    "Повреждение моста {near}",
                ],
                &["transport/0"],
            ),
            v(
                [
                    "Strike on a grain elevator {in}",
                    "Удар по елеватору {in}",
                    "Удар по элеватору {in}",
                ],
                &["industrial/0"],
            ),
        ],
        openings: &[[
            "{Date} a strike damaged civilian infrastructure {in}; residents were left without essential services.",
            "{Date} внаслідок удару пошкоджено цивільну інфраструктуру {in}; мешканці залишилися без життєво важливих послуг.",
            "{Date} в результате удара повреждена гражданская инфраструктура {in}; жители остались без жизненно важных услуг.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 6: cluster munitions
    Scenario {
        weight: 4,
        categories: &["use_of_prohibited_weapon", "indiscriminate_attack"],
        extra: &[("attack_on_civilians", 30), ("attack_on_civilian_object", 40)],
        killing: 0,
        weapons: &["cluster_munition"],
        armed: 100,
        killed: f(35, 4),
        injured: f(60, 9),
        missing: NONE,
        detained: NONE,
        child_share: 15,
        variants: &[
            v(
                [
                    "Use of cluster munitions {in}",
                    "Застосування касетних боєприпасів {in}",
                    "Применение кассетных боеприпасов {in}",
                ],
                &["residential/2", "agricultural/0"],
            ),
            v(
                [
                    "Cluster submunitions found in gardens {in}",
                    "Суббоєприпаси касетної зброї на городах {in}",
                    "Суббоеприпасы кассетного оружия на огородах {in}",
                ],
                &["agricultural/0", "residential/3"],
            ),
        ],
        openings: &[[
            "{Date} cluster munitions were reportedly used {in}; unexploded submunitions remained in the yards.",
            "{Date} {in} було застосовано касетні боєприпаси; у дворах залишилися суббоєприпаси, що не розірвалися.",
            "{Date} {in} были применены кассетные боеприпасы; во дворах остались неразорвавшиеся суббоеприпасы.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 7: incendiary weapons
    Scenario {
        weight: 2,
        categories: &["use_of_prohibited_weapon", "attack_on_civilian_object"],
        extra: &[("indiscriminate_attack", 40)],
        killing: 0,
        weapons: &["incendiary"],
        armed: 100,
        killed: f(10, 2),
        injured: f(30, 4),
        missing: NONE,
        detained: NONE,
        child_share: 8,
        variants: &[
            v(
                [
                    "Incendiary munitions fired at houses {in}",
                    "Застосування запальних боєприпасів по будинках {in}",
                    "Применение зажигательных боеприпасов по домам {in}",
                ],
                &["residential/0"],
            ),
            v(
                [
                    "Fields set on fire by incendiary munitions {near}",
                    "Підпал полів запальними боєприпасами {near}",
                    "Поджог полей зажигательными боеприпасами {near}",
                ],
                &["agricultural/0"],
            ),
        ],
        openings: &[[
            "{Date} incendiary munitions set fire to buildings and fields {in}.",
            "{Date} запальні боєприпаси спричинили пожежі будівель і полів {in}.",
            "{Date} зажигательные боеприпасы вызвали пожары зданий и полей {in}.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 8: landmines and explosive remnants of war
    Scenario {
        weight: 8,
        categories: &["landmine_or_explosive_remnant"],
        extra: &[],
        killing: 0,
        weapons: &["landmine", "unknown", "landmine"],
        armed: 75,
        killed: f(45, 2),
        injured: f(75, 3),
        missing: NONE,
        detained: NONE,
        child_share: 10,
        variants: &[
            v(
                [
                    "Tractor hit a landmine {near}",
                    "Трактор підірвався на міні {near}",
                    "Трактор подорвался на мине {near}",
                ],
                &["vehicle/2", "agricultural/0"],
            ),
            v(
                [
                    "Explosion of an explosive remnant of war {in}",
                    "Вибух вибухонебезпечного предмета {in}",
                    "Взрыв взрывоопасного предмета {in}",
                ],
                &[],
            ),
            v(
                [
                    "Car hit an anti-vehicle mine {near}",
                    "Автомобіль підірвався на протитранспортній міні {near}",
                    "Автомобиль подорвался на противотранспортной мине {near}",
                ],
                &["vehicle/0"],
            ),
            Variant {
                title: [
                    "Children found an unexploded shell {in}",
                    "Діти знайшли нерозірваний снаряд {in}",
                    "Дети нашли неразорвавшийся снаряд {in}",
                ],
                objects: &[],
                children: true,
            },
        ],
        openings: &[[
            "{Date} an explosive device detonated {near}.",
            "{Date} {near} спрацював вибуховий пристрій.",
            "{Date} {near} сработало взрывное устройство.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: true,
    },
    // 9: enforced disappearance
    Scenario {
        weight: 7,
        categories: &["enforced_disappearance"],
        extra: &[("arbitrary_detention", 50), ("torture_or_ill_treatment", 10)],
        killing: 0,
        weapons: &[],
        armed: 0,
        killed: NONE,
        injured: NONE,
        missing: f(100, 3),
        detained: NONE,
        child_share: 2,
        variants: &[
            v(
                [
                    "Disappearance after a house search {in}",
                    "Зникнення після обшуку {in}",
                    "Исчезновение после обыска {in}",
                ],
                &[],
            ),
            v(
                [
                    "Disappearance after detention at a checkpoint {near}",
                    "Зникнення після затримання на блокпосту {near}",
                    "Исчезновение после задержания на блокпосту {near}",
                ],
                &[],
            ),
            v(
                [
                    "Residents missing after being taken away {in}",
                    "Зникнення мешканців після їх вивезення {in}",
                    "Исчезновение жителей после их вывоза {in}",
                ],
                &[],
            ),
        ],
        openings: &[[
            "Relatives report that residents {in} were taken away {date} and that their whereabouts remain unknown.",
            "Родичі повідомляють, що мешканців {in} було забрано {date}, їхнє місцеперебування залишається невідомим.",
            "Родственники сообщают, что жителей {in} забрали {date}, их местонахождение остаётся неизвестным.",
        ]],
        long_running: true,
        sensitive: false,
        expects_casualties: false,
    },
    // 10: arbitrary detention
    Scenario {
        weight: 5,
        categories: &["arbitrary_detention"],
        extra: &[("torture_or_ill_treatment", 35)],
        killing: 0,
        weapons: &["small_arms"],
        armed: 20,
        killed: NONE,
        injured: f(15, 2),
        missing: NONE,
        detained: f(100, 4),
        child_share: 0,
        variants: &[
            v(
                [
                    "Detention of civilians at a checkpoint {near}",
                    "Затримання цивільних на блокпосту {near}",
                    "Задержание гражданских лиц на блокпосту {near}",
                ],
                &[],
            ),
            v(
                [
                    "Detention of residents during a house search {in}",
                    "Затримання мешканців під час обшуку {in}",
                    "Задержание жителей во время обыска {in}",
                ],
                &[],
            ),
            v(
                [
                    "Detention of a volunteer driver {near}",
                    "Затримання волонтера-водія {near}",
                    "Задержание водителя-волонтёра {near}",
                ],
                &[],
            ),
        ],
        openings: &[[
            "{Date} civilians were detained {in} without explanation and held for several days.",
            "{Date} {in} без пояснень затримали цивільних осіб і утримували їх кілька днів.",
            "{Date} {in} без объяснения причин задержали гражданских лиц и удерживали их несколько дней.",
        ]],
        long_running: true,
        sensitive: false,
        expects_casualties: false,
    },
    // 11: torture and ill-treatment
    Scenario {
        weight: 3,
        categories: &["torture_or_ill_treatment", "arbitrary_detention"],
        extra: &[],
        killing: 0,
        weapons: &["bladed_or_blunt"],
        armed: 50,
        killed: f(5, 1),
        injured: f(100, 3),
        missing: NONE,
        detained: f(30, 2),
        child_share: 0,
        variants: &[
            v(
                [
                    "Ill-treatment of detainees at a makeshift detention site {in}",
                    "Жорстоке поводження з затриманими в імпровізованому місці утримання {in}",
                    "Жестокое обращение с задержанными в импровизированном месте содержания {in}",
                ],
                &[],
            ),
            v(
                [
                    "Beating of detained men {in}",
                    "Побиття затриманих чоловіків {in}",
                    "Избиение задержанных мужчин {in}",
                ],
                &[],
            ),
        ],
        openings: &[[
            "Former detainees describe beatings and threats while held {in} {date}.",
            "Колишні затримані розповідають про побиття та погрози під час утримання {in} {date}.",
            "Бывшие задержанные рассказывают об избиениях и угрозах во время содержания {in} {date}.",
        ]],
        long_running: true,
        sensitive: false,
        expects_casualties: false,
    },
    // 12: killings
    Scenario {
        weight: 4,
        categories: &["killing", "attack_on_civilians"],
        extra: &[("torture_or_ill_treatment", 15)],
        killing: 0,
        weapons: &["small_arms"],
        armed: 80,
        killed: f(100, 5),
        injured: f(15, 2),
        missing: f(5, 1),
        detained: NONE,
        child_share: 5,
        variants: &[
            v(
                [
                    "Killing of civilians {in}",
                    "Вбивство цивільних {in}",
                    "Убийство мирных жителей {in}",
                ],
                &[],
            ),
            v(
                [
                    "Bodies of civilians with gunshot wounds found {in}",
                    "Виявлення тіл цивільних із вогнепальними пораненнями {in}",
                    "Обнаружение тел мирных жителей с огнестрельными ранениями {in}",
                ],
                &[],
            ),
            v(
                [
                    "Shooting of a family in a car {near}",
                    "Розстріл родини в автомобілі {near}",
                    "Расстрел семьи в автомобиле {near}",
                ],
                &["vehicle/0"],
            ),
        ],
        openings: &[[
            "{Date} civilians were killed {in}; the bodies bore gunshot wounds.",
            "{Date} {in} було вбито цивільних осіб; на тілах виявлено вогнепальні поранення.",
            "{Date} {in} были убиты мирные жители; на телах обнаружены огнестрельные ранения.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: true,
    },
    // 13: small-arms fire at civilians
    Scenario {
        weight: 4,
        categories: &["attack_on_civilians"],
        extra: &[],
        killing: 40,
        weapons: &["small_arms"],
        armed: 95,
        killed: f(30, 2),
        injured: f(90, 3),
        missing: NONE,
        detained: NONE,
        child_share: 6,
        variants: &[
            v(
                [
                    "Sniper fire at civilians {in}",
                    "Снайперський обстріл цивільних {in}",
                    "Снайперский обстрел мирных жителей {in}",
                ],
                &[],
            ),
            v(
                [
                    "Small-arms fire at people queuing for water {in}",
                    "Обстріл зі стрілецької зброї людей у черзі по воду {in}",
                    "Обстрел из стрелкового оружия людей в очереди за водой {in}",
                ],
                &["water/1"],
            ),
            v(
                [
                    "Shooting at an evacuation vehicle {near}",
                    "Обстріл евакуаційного автомобіля {near}",
                    "Обстрел эвакуационного автомобиля {near}",
                ],
                &["vehicle/1"],
            ),
        ],
        openings: &[[
            "{Date} people {in} came under small-arms fire.",
            "{Date} люди {in} потрапили під обстріл зі стрілецької зброї.",
            "{Date} люди {in} попали под обстрел из стрелкового оружия.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: true,
    },
    // 14: sexual violence
    Scenario {
        weight: 2,
        categories: &["sexual_violence"],
        extra: &[("torture_or_ill_treatment", 40), ("arbitrary_detention", 30)],
        killing: 0,
        weapons: &[],
        armed: 0,
        killed: NONE,
        injured: NONE,
        missing: NONE,
        detained: NONE,
        child_share: 0,
        variants: &[
            v(
                [
                    "Report of sexual violence {in}",
                    "Повідомлення про сексуальне насильство {in}",
                    "Сообщение о сексуальном насилии {in}",
                ],
                &[],
            ),
            v(
                [
                    "Sexual violence against a detained person {in}",
                    "Сексуальне насильство щодо затриманої особи {in}",
                    "Сексуальное насилие в отношении задержанного лица {in}",
                ],
                &[],
            ),
        ],
        openings: &[[
            "Details are withheld to protect the survivor, who was referred for medical and psychosocial support.",
            "Подробиці не розголошуються з метою захисту постраждалої особи; її направлено для отримання медичної та психосоціальної допомоги.",
            "Подробности не разглашаются в целях защиты пострадавшего лица; оно направлено для получения медицинской и психосоциальной помощи.",
        ]],
        long_running: true,
        sensitive: true,
        expects_casualties: false,
    },
    // 15: graves and remains
    Scenario {
        weight: 2,
        categories: &["desecration_of_graves_or_remains"],
        extra: &[("attack_on_civilian_object", 30)],
        killing: 0,
        weapons: &["armoured_vehicle", "unknown"],
        armed: 30,
        killed: NONE,
        injured: NONE,
        missing: NONE,
        detained: NONE,
        child_share: 0,
        variants: &[
            v(
                [
                    "Damage to graves at the village cemetery {in}",
                    "Пошкодження могил на сільському кладовищі {in}",
                    "Повреждение могил на сельском кладбище {in}",
                ],
                &["cemetery/0"],
            ),
            v(
                [
                    "Desecration of a memorial {in}",
                    "Наруга над пам'ятним знаком {in}",
                    "Надругательство над памятным знаком {in}",
                ],
                &["cemetery/1"],
            ),
        ],
        openings: &[[
            "{Date} graves and memorials {in} were damaged.",
            "{Date} {in} було пошкоджено могили та пам'ятні знаки.",
            "{Date} {in} были повреждены могилы и памятные знаки.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 16: forced displacement
    Scenario {
        weight: 3,
        categories: &["forced_displacement"],
        extra: &[("pillage", 30), ("arbitrary_detention", 10)],
        killing: 0,
        weapons: &["small_arms", "armoured_vehicle"],
        armed: 25,
        killed: NONE,
        injured: f(10, 2),
        missing: f(10, 2),
        detained: NONE,
        child_share: 20,
        variants: &[
            v(
                [
                    "Residents forced to leave their homes {in}",
                    "Примусове виселення мешканців {in}",
                    "Принудительное выселение жителей {in}",
                ],
                &["residential/0"],
            ),
            v(
                [
                    "Forced removal of residents {in}",
                    "Примусове вивезення мешканців {in}",
                    "Принудительный вывоз жителей {in}",
                ],
                &[],
            ),
        ],
        openings: &[[
            "{Date} residents {in} were ordered to leave their homes at short notice.",
            "{Date} мешканцям {in} наказали негайно залишити свої домівки.",
            "{Date} жителям {in} приказали немедленно покинуть свои дома.",
        ]],
        long_running: true,
        sensitive: false,
        expects_casualties: false,
    },
    // 17: pillage
    Scenario {
        weight: 4,
        categories: &["pillage"],
        extra: &[("attack_on_civilian_object", 20)],
        killing: 0,
        weapons: &["small_arms"],
        armed: 15,
        killed: NONE,
        injured: f(5, 1),
        missing: NONE,
        detained: NONE,
        child_share: 0,
        variants: &[
            v(
                [
                    "Looting of private houses {in}",
                    "Мародерство в приватних будинках {in}",
                    "Мародёрство в частных домах {in}",
                ],
                &["residential/0"],
            ),
            v(
                [
                    "Looting of a grain store {near}",
                    "Розкрадання зерносховища {near}",
                    "Разграбление зернохранилища {near}",
                ],
                &["agricultural/1"],
            ),
            v(
                [
                    "Looting of shops {in}",
                    "Пограбування магазинів {in}",
                    "Разграбление магазинов {in}",
                ],
                &["market/1"],
            ),
            v(
                [
                    "Looting of a pharmacy {in}",
                    "Пограбування аптеки {in}",
                    "Разграбление аптеки {in}",
                ],
                &["medical/3"],
            ),
        ],
        openings: &[[
            "{Date} property was taken from homes and businesses {in}.",
            "{Date} {in} з будинків і підприємств було винесено майно.",
            "{Date} {in} из домов и предприятий было вынесено имущество.",
        ]],
        long_running: true,
        sensitive: false,
        expects_casualties: false,
    },
    // 18: religious and cultural sites
    Scenario {
        weight: 3,
        categories: &["attack_on_civilian_object"],
        extra: &[("indiscriminate_attack", 40)],
        killing: 0,
        weapons: &["artillery", "missile", "uncrewed_aerial_vehicle"],
        armed: 80,
        killed: f(5, 2),
        injured: f(15, 4),
        missing: NONE,
        detained: NONE,
        child_share: 5,
        variants: &[
            v(
                [
                    "Shelling of a church {in}",
                    "Обстріл церкви {in}",
                    "Обстрел церкви {in}",
                ],
                &["religious/0"],
            ),
            v(
                [
                    "Damage to the house of culture {in}",
                    "Пошкодження будинку культури {in}",
                    "Повреждение дома культуры {in}",
                ],
                &["cultural/0"],
            ),
            v(
                [
                    "Strike on a local history museum {in}",
                    "Удар по краєзнавчому музею {in}",
                    "Удар по краеведческому музею {in}",
                ],
                &["cultural/1"],
            ),
        ],
        openings: &[[
            "{Date} a building of religious or cultural significance {in} was damaged.",
            "{Date} {in} пошкоджено будівлю релігійного або культурного значення.",
            "{Date} {in} повреждено здание религиозного или культурного значения.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
    // 19: other
    Scenario {
        weight: 3,
        categories: &["other"],
        extra: &[],
        killing: 0,
        weapons: &[],
        armed: 0,
        killed: NONE,
        injured: f(5, 1),
        missing: NONE,
        detained: NONE,
        child_share: 0,
        variants: &[
            v(
                [
                    "Obstruction of a humanitarian convoy {near}",
                    "Перешкоджання руху гуманітарного конвою {near}",
                    "Воспрепятствование движению гуманитарного конвоя {near}",
                ],
                &["other"],
            ),
            v(
                [
                    "Civilians denied evacuation {in}",
                    "Відмова в евакуації цивільних {in}",
                    "Отказ в эвакуации мирных жителей {in}",
                ],
                &[],
            ),
            v(
                [
                    "Threats against local journalists {in}",
                    "Погрози місцевим журналістам {in}",
                    "Угрозы местным журналистам {in}",
                ],
                &[],
            ),
        ],
        openings: &[[
            "{Date} residents {in} reported obstacles to their safety and to humanitarian aid.",
            "{Date} мешканці {in} повідомили про перешкоди їхній безпеці та доступу до гуманітарної допомоги.",
            "{Date} жители {in} сообщили о препятствиях их безопасности и доступу к гуманитарной помощи.",
        ]],
        long_running: false,
        sensitive: false,
        expects_casualties: false,
    },
];

/// Descriptions of damaged objects by type.
pub(crate) fn object_descriptions(kind: &str) -> &'static [Tr] {
    match kind {
        "residential" => &[
            ["private house", "приватний будинок", "частный дом"],
            [
                "five-storey apartment block",
                "п'ятиповерховий житловий будинок",
                "пятиэтажный жилой дом",
            ],
            [
                "roof and windows of a house",
                "дах і вікна будинку",
                "крыша и окна дома",
            ],
            [
                "outbuildings and a garage",
                "господарські споруди та гараж",
                "хозяйственные постройки и гараж",
            ],
        ],
        "school" => &[
            ["school building", "будівля школи", "здание школы"],
            ["kindergarten", "дитячий садок", "детский сад"],
            ["school gym", "спортзал школи", "спортзал школы"],
        ],
        "medical" => &[
            ["district hospital", "районна лікарня", "районная больница"],
            ["outpatient clinic", "амбулаторія", "амбулатория"],
            ["ambulance", "автомобіль швидкої допомоги", "машина скорой помощи"],
            ["pharmacy", "аптека", "аптека"],
        ],
        "water" => &[
            ["water pumping station", "водонасосна станція", "водонасосная станция"],
            ["water main", "магістральний водогін", "магистральный водопровод"],
        ],
        "power" => &[
            ["electrical substation", "електропідстанція", "электроподстанция"],
            ["power line", "лінія електропередачі", "линия электропередачи"],
        ],
        "heating" => &[
            ["boiler house", "котельня", "котельная"],
            ["heating main", "тепломережа", "теплосеть"],
        ],
        "religious" => &[
            ["church", "церква", "церковь"],
            ["prayer house", "молитовний будинок", "молитвенный дом"],
        ],
        "cultural" => &[
            ["house of culture", "будинок культури", "дом культуры"],
            ["local history museum", "краєзнавчий музей", "краеведческий музей"],
            ["library", "бібліотека", "библиотека"],
        ],
        "cemetery" => &[
            ["village cemetery", "сільське кладовище", "сельское кладбище"],
            ["memorial", "пам'ятний знак", "памятный знак"],
        ],
        "market" => &[
            ["market stalls", "торгові ряди ринку", "торговые ряды рынка"],
            ["grocery shop", "продуктовий магазин", "продуктовый магазин"],
        ],
        "transport" => &[
            ["road bridge", "автомобільний міст", "автомобильный мост"],
            [
                "bus stop",
                "зупинка громадського транспорту",
                "остановка общественного транспорта",
            ],
            ["railway track", "залізнична колія", "железнодорожный путь"],
        ],
        "vehicle" => &[
            ["passenger car", "легковий автомобіль", "легковой автомобиль"],
            ["minibus", "мікроавтобус", "микроавтобус"],
            ["tractor", "трактор", "трактор"],
        ],
        "agricultural" => &[
            ["wheat field", "пшеничне поле", "пшеничное поле"],
            ["grain store", "зерносховище", "зернохранилище"],
            ["livestock farm", "тваринницька ферма", "животноводческая ферма"],
        ],
        "industrial" => &[
            ["grain elevator", "елеватор", "элеватор"],
            ["workshop", "виробничий цех", "производственный цех"],
        ],
        "shelter" => &[[
            "basement used as a shelter",
            "підвал, що використовувався як укриття",
            "подвал, использовавшийся как укрытие",
        ]],
        _ => &[[
            "humanitarian aid warehouse",
            "склад гуманітарної допомоги",
            "склад гуманитарной помощи",
        ]],
    }
}

/// Invented models and calibres by weapon type: (model, calibre). Models are made-up codes.
pub(crate) fn weapon_details(kind: &str) -> &'static [(Option<Tr>, Option<&'static str>)] {
    macro_rules! m {
        ($code:literal) => {
            Some([$code, $code, $code])
        };
    }
    match kind {
        "artillery" => &[
            (m!("XH-122"), Some("122 mm")),
            (m!("XH-152"), Some("152 mm")),
            (None, Some("152 mm")),
            (None, None),
        ],
        "mortar" => &[(None, Some("82 mm")), (None, Some("120 mm")), (None, None)],
        "multiple_rocket_launcher" => &[
            (m!("XR-40"), Some("122 mm")),
            (m!("XR-16"), Some("220 mm")),
            (None, Some("122 mm")),
        ],
        "missile" => &[(m!("XM-9"), None), (m!("XM-3"), None), (None, None)],
        "aerial_bomb" => &[(None, Some("250 kg")), (None, Some("500 kg")), (None, None)],
        "cluster_munition" => &[(None, Some("122 mm")), (None, Some("220 mm")), (None, None)],
        "uncrewed_aerial_vehicle" => &[
            (Some(["FPV drone", "FPV-дрон", "FPV-дрон"]), None),
            (
                Some([
                    "quadcopter dropping munitions",
                    "квадрокоптер зі скиданням боєприпасів",
                    "квадрокоптер со сбросом боеприпасов",
                ]),
                None,
            ),
            (
                Some(["loitering munition", "баражуючий боєприпас", "барражирующий боеприпас"]),
                None,
            ),
        ],
        "small_arms" => &[
            (Some(["assault rifle", "автомат", "автомат"]), Some("7.62 mm")),
            (
                Some(["sniper rifle", "снайперська гвинтівка", "снайперская винтовка"]),
                Some("7.62 mm"),
            ),
            (Some(["assault rifle", "автомат", "автомат"]), Some("5.45 mm")),
            (Some(["assault rifle", "автомат", "автомат"]), Some("5.56 mm")),
            (None, None),
        ],
        "landmine" => &[
            (
                Some(["anti-vehicle mine", "протитранспортна міна", "противотранспортная мина"]),
                None,
            ),
            (
                Some(["anti-personnel mine", "протипіхотна міна", "противопехотная мина"]),
                None,
            ),
            (None, None),
        ],
        _ => &[(None, None)],
    }
}

/// Fictional countries of manufacture (user-assigned ISO codes, never a real state).
pub(crate) const ORIGINS: [&str; 3] = ["XQ", "XR", "XS"];

/// The neutral labels for alleged perpetrators. Never a default: some incidents have none.
pub(crate) const PARTIES: [&str; 4] = ["Party A", "Party B", "Unidentified armed group", "Unknown"];

/// Units as sources name them; `{n}` is a number.
pub(crate) const UNITS: [Tr; 5] = [
    ["{o} Battalion", "{n}-й батальйон", "{n}-й батальон"],
    [
        "Artillery Group {n}",
        "артилерійська група {n}",
        "артиллерийская группа {n}",
    ],
    [
        "Checkpoint Unit {n}",
        "підрозділ на блокпосту № {n}",
        "подразделение на блокпосту № {n}",
    ],
    [
        "Reconnaissance Company {n}",
        "розвідувальна рота {n}",
        "разведывательная рота {n}",
    ],
    ["Drone Unit {n}", "підрозділ дронів {n}", "подразделение дронов {n}"],
];

/// Where the information came from.
pub(crate) const SOURCES: [Tr; 6] = [
    [
        "The information was received from local residents.",
        "Інформацію отримано від місцевих жителів.",
        "Информация получена от местных жителей.",
    ],
    [
        "Reported by the local administration.",
        "Повідомлено місцевою адміністрацією.",
        "Сообщено местной администрацией.",
    ],
    [
        "The incident was first reported by a local online news channel.",
        "Про подію вперше повідомив місцевий інтернет-канал новин.",
        "О событии впервые сообщил местный интернет-канал новостей.",
    ],
    [
        "Based on the testimony of witnesses interviewed by monitors.",
        "На підставі свідчень очевидців, опитаних моніторами.",
        "На основании показаний очевидцев, опрошенных мониторами.",
    ],
    [
        "Information received by telephone from a relative of a victim.",
        "Інформацію отримано телефоном від родича постраждалої особи.",
        "Информация получена по телефону от родственника пострадавшего лица.",
    ],
    [
        "Photographs and video from the site were submitted by a volunteer.",
        "Фото та відео з місця події надав волонтер.",
        "Фото и видео с места события предоставил волонтёр.",
    ],
];

/// What the verification found, by incident status (reported, under review, verified, disputed,
/// refuted).
pub(crate) const VERIFICATION: [Tr; 5] = [
    [
        "The information has not yet been verified.",
        "Інформація ще не перевірена.",
        "Информация пока не проверена.",
    ],
    [
        "Verification is ongoing.",
        "Інформація перевіряється.",
        "Информация проверяется.",
    ],
    [
        "Confirmed by a site visit and witness interviews.",
        "Підтверджено за результатами виїзду на місце та опитування свідків.",
        "Подтверждено по результатам выезда на место и опроса свидетелей.",
    ],
    [
        "The sources give conflicting accounts.",
        "Джерела надають суперечливу інформацію.",
        "Источники дают противоречивую информацию.",
    ],
    [
        "Not confirmed: a site visit found no traces of the reported event.",
        "Не підтвердилося: під час виїзду на місце слідів події не виявлено.",
        "Не подтвердилось: при выезде на место следов события не обнаружено.",
    ],
];

/// Said when casualties were expected but none were reported.
pub(crate) const NO_CASUALTIES: Tr = [
    "No casualties were reported.",
    "Про постраждалих не повідомлялося.",
    "О пострадавших не сообщалось.",
];

/// Before the list of damaged objects.
pub(crate) const DAMAGED: Tr = ["Damaged: ", "Пошкоджено: ", "Повреждены: "];
