//! JSON Schemas of the inputs, outputs and the policy file, kept in `schemas/` and
//! embedded in the binary (`yibao-recon schema NAME`).

/// (name, schema text), in the order `schema --help` lists them.
pub const SCHEMAS: [(&str, &str); 9] = [
    (
        "contributions",
        include_str!("../../../schemas/contributions.json"),
    ),
    ("statement", include_str!("../../../schemas/statement.json")),
    ("roster", include_str!("../../../schemas/roster.json")),
    ("policy", include_str!("../../../schemas/policy.json")),
    ("findings", include_str!("../../../schemas/findings.json")),
    ("months", include_str!("../../../schemas/months.json")),
    ("persons", include_str!("../../../schemas/persons.json")),
    ("rejected", include_str!("../../../schemas/rejected.json")),
    ("summary", include_str!("../../../schemas/summary.json")),
];

pub fn get(name: &str) -> Option<&'static str> {
    SCHEMAS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    SCHEMAS.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_schema_is_json_with_a_title() {
        for (name, text) in super::SCHEMAS {
            let v: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(v.get("title").is_some(), "{name} has a title");
            assert_eq!(
                v["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{name}"
            );
        }
    }
}
