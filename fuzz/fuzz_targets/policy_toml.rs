//! Any text as a policy file: a policy or an error naming the key, never a panic; a valid
//! policy answers for every period.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yibao_recon::policy::Policy;
use yibao_recon::records::Period;

fuzz_target!(|text: &str| {
    if let Ok(p) = Policy::from_toml(text, "fuzz.toml") {
        for year in [1990, 2022, 2099] {
            if let Some(period) = Period::new(year, 6) {
                let rule = p.rule_at(period);
                let _ = rule.employer_to_account.at(40);
                let _ = rule.retiree.at(75);
            }
        }
    }
});
