//! The embedded presets: TOML files of the policy format in `policies/`, each with its
//! source. `national` is the default.

/// (name, TOML text), in the order `policy list` shows them.
pub const PRESETS: [(&str, &str); 6] = [
    (
        "national",
        include_str!("../../../../policies/national.toml"),
    ),
    ("beijing", include_str!("../../../../policies/beijing.toml")),
    (
        "shenzhen",
        include_str!("../../../../policies/shenzhen.toml"),
    ),
    ("nanjing", include_str!("../../../../policies/nanjing.toml")),
    ("wuhan", include_str!("../../../../policies/wuhan.toml")),
    ("suzhou", include_str!("../../../../policies/suzhou.toml")),
];

pub const DEFAULT: &str = "national";

pub fn get(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::super::Policy;

    #[test]
    fn every_preset_is_valid_and_names_its_source() {
        for (name, text) in super::PRESETS {
            let p = Policy::from_toml(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.name, name);
            assert!(!p.source.is_empty(), "{name} has a source");
        }
    }
}
