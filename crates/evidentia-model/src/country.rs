//! ISO 3166-1 alpha-2 country codes.
//!
//! Officially assigned codes plus the user-assigned ranges (`AA`, `QM`–`QZ`, `XA`–`XZ`, `ZZ`),
//! which deployments use for territories without a code and which the fictional demo data uses so
//! that it never places an event in a real country.

const ASSIGNED: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// True for an officially assigned or a user-assigned alpha-2 code (upper case).
pub fn is_country_code(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 2 || !b.iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let user_assigned = code == "AA" || code == "ZZ" || (b[0] == b'Q' && b[1] >= b'M') || b[0] == b'X';
    user_assigned || ASSIGNED.split(' ').any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::is_country_code;

    #[test]
    fn codes() {
        assert!(is_country_code("UA"));
        assert!(is_country_code("GE"));
        assert!(is_country_code("XQ"));
        assert!(is_country_code("QM"));
        assert!(!is_country_code("QA1"));
        assert!(!is_country_code("ua"));
        assert!(!is_country_code("QB"));
        assert!(!is_country_code("UK"));
        assert!(!is_country_code(""));
    }
}
