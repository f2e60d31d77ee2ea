//! Masking of personal data (phone numbers, email addresses, names, addresses) for display and
//! logs.
//!
//! All functions work on Unicode characters, never split a multi-byte
//! character, and never reveal more than the documented prefix/suffix.

/// `13812348000` → `138****8000`: first 3 and last 4 characters kept.
///
/// Inputs shorter than 8 characters (surrounding whitespace ignored) are
/// masked entirely, one `*` per character, so nothing short is revealed.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// `张三丰` → `张**`: first character kept, one `*` per remaining character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let mut out = String::from(first);
            out.extend(chars.map(|_| '*'));
            out
        }
    }
}

/// `zhangsan@example.com` → `z***@example.com`: the first character of the local part and the
/// domain kept. Anything without exactly one `@` and a non-empty local part is masked entirely.
pub fn mask_email(email: &str) -> String {
    let email = email.trim();
    match email.split_once('@') {
        Some((local, domain)) if !domain.contains('@') => match local.chars().next() {
            Some(first) => format!("{first}***@{domain}"),
            None => "*".repeat(email.chars().count()),
        },
        _ => "*".repeat(email.chars().count()),
    }
}

/// Keeps the first 6 characters and appends `****`.
///
/// Addresses of 6 characters or fewer keep only their first half, so that a
/// short address is never shown in full.
pub fn mask_address(address: &str) -> String {
    let chars: Vec<char> = address.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let keep = if chars.len() > 6 { 6 } else { chars.len() / 2 };
    let head: String = chars[..keep].iter().collect();
    format!("{head}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_keeps_the_first_three_and_last_four_digits() {
        assert_eq!(mask_phone("13812348000"), "138****8000");
        assert_eq!(mask_phone(" 13812348000 "), "138****8000");
    }

    #[test]
    fn a_short_phone_number_is_masked_entirely() {
        assert_eq!(mask_phone("8000"), "****");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn an_email_keeps_the_first_character_and_the_domain() {
        assert_eq!(mask_email("zhangsan@example.com"), "z***@example.com");
        assert_eq!(mask_email(" 张三@例子.中国 "), "张***@例子.中国");
        assert_eq!(mask_email("@example.com"), "************");
        assert_eq!(mask_email("no-at-sign"), "**********");
        assert_eq!(mask_email("a@b@c"), "*****");
    }

    #[test]
    fn a_name_keeps_only_its_first_character() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn an_address_keeps_its_first_six_characters() {
        assert_eq!(mask_address("北京市朝阳区建国路88号"), "北京市朝阳区****");
    }

    #[test]
    fn a_short_address_is_never_shown_in_full() {
        assert_eq!(mask_address("朝阳区"), "朝****");
        assert_eq!(mask_address("北京市朝阳区"), "北京市****");
        assert_eq!(mask_address(""), "");
    }
}
