//! `yibao-recon policy list | show NAME | check FILE`.

use clap::Subcommand;
use yibao_recon::exit;
use yibao_recon::policy::{Policy, presets};

/// Crediting-rule presets and policy files.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  yibao-recon policy list\n  yibao-recon policy show beijing > mycity.toml\n  yibao-recon policy check mycity.toml"
)]
pub enum PolicyCommand {
    /// List the embedded presets.
    List,
    /// Print a preset's TOML (a starting point for your own file).
    Show { name: String },
    /// Validate a policy file; errors name the key.
    Check { file: String },
}

pub fn run(cmd: &PolicyCommand) -> anyhow::Result<u8> {
    match cmd {
        PolicyCommand::List => {
            for (name, text) in presets::PRESETS {
                let p = Policy::from_toml(text, name)?;
                let marker = if name == presets::DEFAULT {
                    " (default)"
                } else {
                    ""
                };
                outln!("{name:<10} {}{marker}", p.title);
            }
        }
        PolicyCommand::Show { name } => match presets::get(name) {
            Some(text) => out!("{text}"),
            None => anyhow::bail!(
                "no preset named '{name}'; presets: {}",
                presets::names().collect::<Vec<_>>().join(", ")
            ),
        },
        PolicyCommand::Check { file } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| anyhow::anyhow!("{file}: cannot read: {e}"))?;
            let p = Policy::from_toml(&text, file)?;
            outln!(
                "{file}: ok — policy '{}', {} rule(s) from {}, lag {} month(s), grace {}, \
                 bases reset in month {}, retirement ages {} (men) / {} (women)",
                p.name,
                p.rules.len(),
                p.rules
                    .first()
                    .map(|r| r.from.to_string())
                    .unwrap_or_default(),
                p.credit_lag_months,
                p.grace_months,
                p.base_adjust_month,
                p.retirement.male,
                p.retirement.female
            );
        }
    }
    Ok(exit::OK)
}
