//! The API's JSON request bodies, decoded as the handlers decode them.

/// Every request body type: decoding never panics, is deterministic, and only ever accepts
/// well-formed JSON.
pub fn check_api_json(data: &[u8]) {
    let well_formed = serde_json::from_slice::<serde_json::Value>(data).is_ok();
    for (name, decode) in tongban_web::REQUEST_BODIES {
        let first = decode(data);
        assert_eq!(
            first.is_ok(),
            decode(data).is_ok(),
            "{name} decodes the same twice"
        );
        if first.is_ok() {
            assert!(well_formed, "{name} accepted malformed JSON");
        }
    }
}
