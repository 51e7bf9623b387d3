//! `yibao-recon schema NAME`: print an embedded JSON Schema.

use clap::Args;
use yibao_recon::{exit, schema};

/// Print the JSON Schema of an input, an output or the policy file.
///
/// Names: contributions, statement, roster (inputs); findings, months, persons, rejected,
/// summary (outputs); policy.
///
/// Example: yibao-recon schema contributions > contributions.schema.json
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// contributions, statement, roster, policy, findings, months, persons, rejected or summary
    pub name: String,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<u8> {
    match schema::get(&args.name) {
        Some(text) => {
            out!("{text}");
            Ok(exit::OK)
        }
        None => {
            let names: Vec<&str> = schema::names().collect();
            anyhow::bail!(
                "no schema named '{}'; choose one of: {}",
                args.name,
                names.join(", ")
            )
        }
    }
}
