//! `yibao-recon explain PERSON`: one person's balance bridge and findings in plain words —
//! the answer to "为什么我的医保个人账户是0".

use clap::Args;
use yibao_recon::exit;
use yibao_recon::ingest::Batch;
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::reconcile::{PersonReport, Reconciliation};

use crate::cli::RunArgs;

/// Explain one person's account: the balance bridge (opening → credits → spending →
/// family sharing → clearing → closing), periods without an account, missing or short
/// credits, and the changes of base, rule and tier.
///
/// PERSON is an ID number, a person number, or a name when only one person has it.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  yibao-recon explain 张伟 samples/\n  yibao-recon explain 320102198503151234 缴费.xlsx 明细.csv --policy nanjing"
)]
pub struct ExplainArgs {
    /// ID number, person number, or name.
    pub person: String,
    /// Also write a one-person page with the balance over time to this file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Why `explain` could not pick one person.
enum NotFound {
    /// Nobody matches: the message names the skipped inputs that may hold the person.
    Nobody(String),
    /// Several people match: the message lists them.
    Several(String),
}

/// The person `who` names: an ID number, a person number, a masked ID as the reports print
/// it (`320102********123X`, when one person matches), or a name (when one person has it).
fn find<'a>(
    result: &'a Reconciliation,
    batch: &Batch,
    who: &str,
    lang: Lang,
    ids: IdDisplay,
) -> Result<&'a PersonReport, NotFound> {
    let key = who.trim().to_uppercase();
    if let Some(p) = result
        .persons
        .iter()
        .find(|p| *p.id == *key || p.person_number.as_deref() == Some(&key))
    {
        return Ok(p);
    }
    let matches: Vec<&PersonReport> = if key.contains('*') {
        result
            .persons
            .iter()
            .filter(|p| masked_matches(&key, &p.id))
            .collect()
    } else {
        result
            .persons
            .iter()
            .filter(|p| p.name.as_deref() == Some(who.trim()))
            .collect()
    };
    let shown = ids.text(who.trim()).into_owned();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(NotFound::Nobody(nobody(batch, &shown, lang, ids))),
        many => {
            let mut text = match lang {
                Lang::Zh => format!(
                    "有 {} 人与「{shown}」相符,请给出完整的证件号码:",
                    many.len()
                ),
                Lang::En => format!(
                    "{} people match '{shown}'; give the full ID number:",
                    many.len()
                ),
            };
            for p in many {
                text.push_str(&format!(
                    "\n  {} {}",
                    ids.id(&p.id),
                    ids.text(p.name.as_deref().unwrap_or(""))
                ));
            }
            Err(NotFound::Several(text))
        }
    }
}

/// The one person of a file named alone; several are listed, to be named.
fn only_person(
    result: &Reconciliation,
    lang: Lang,
    ids: IdDisplay,
) -> Result<&PersonReport, NotFound> {
    match result.persons.as_slice() {
        [one] => Ok(one),
        many => {
            let mut text = match lang {
                Lang::Zh => format!(
                    "文件中有 {} 人,请指明说明谁:yibao-recon explain 姓名或证件号码 文件",
                    many.len()
                ),
                Lang::En => format!(
                    "the file holds {} people; say whom to explain: yibao-recon explain NAME-OR-ID FILE",
                    many.len()
                ),
            };
            for p in many.iter().take(20) {
                text.push_str(&format!(
                    "\n  {} {}",
                    ids.id(&p.id),
                    ids.text(p.name.as_deref().unwrap_or(""))
                ));
            }
            Err(NotFound::Several(text))
        }
    }
}

/// Whether a masked ID (`320102********123X`: known start, `*`s, known end) fits `id`.
fn masked_matches(masked: &str, id: &str) -> bool {
    let (Some(first), Some(last)) = (masked.find('*'), masked.rfind('*')) else {
        return false;
    };
    let (start, end) = (&masked[..first], &masked[last + 1..]);
    !(start.is_empty() && end.is_empty())
        && id.len() >= start.len() + end.len()
        && id.len() <= masked.len().max(18)
        && id.starts_with(start)
        && id.ends_with(end)
}

/// Nobody matched: say so, and name the inputs that were skipped (a statement without an
/// identity column is the usual one) and why.
fn nobody(batch: &Batch, shown: &str, lang: Lang, ids: IdDisplay) -> String {
    let mut text = match lang {
        Lang::Zh => format!("输入中没有证件号码、个人编号或姓名为「{shown}」的人。"),
        Lang::En => format!("No person with ID, person number or name '{shown}' in the inputs."),
    };
    if batch.skipped_inputs.is_empty() {
        return text;
    }
    text.push_str(lang.pick(
        "以下输入被跳过,可能含有此人:",
        " These inputs were skipped and may hold the person:",
    ));
    for skipped in &batch.skipped_inputs {
        let place = yibao_recon::ingest::source_label(&skipped.path, skipped.sheet.as_deref());
        text.push_str(&format!(
            "\n  {}: {}",
            ids.text(&place),
            ids.text(&skipped.reason)
        ));
    }
    text.push_str(lang.pick(
        "\n没有证件号码列的明细(如 App 导出),请加 --person 证件号码 指明是谁的。",
        "\nA statement without an ID column (an app's export) needs --person ID to say whose it is.",
    ));
    text
}

pub fn run(mut args: ExplainArgs) -> anyhow::Result<u8> {
    // `explain 明细.xlsx`: a file and nobody named — the file is the input, and the one
    // person in it is explained (an individual with their own statement; it said "no
    // input given").
    let just_a_file =
        args.run.input.files().is_empty() && std::path::Path::new(&args.person).exists();
    if just_a_file {
        let file = std::path::PathBuf::from(&args.person);
        args.run.input.inputs.push(file);
    }
    let args = &args;
    let (batch, policy, result) = super::reconcile::prepare(&args.run)?;
    let input = &args.run.input;
    let found = if just_a_file {
        only_person(&result, input.lang, input.ids())
    } else {
        find(&result, &batch, &args.person, input.lang, input.ids())
    };
    let person = match found {
        Ok(p) => p,
        Err(NotFound::Nobody(text) | NotFound::Several(text)) => {
            errln!("{text}");
            return Ok(exit::CANNOT_RUN);
        }
    };
    if let Some(path) = &args.html {
        let html = yibao_recon::report::html::person_page(
            person,
            &result,
            &policy.name,
            input.lang,
            input.ids(),
        );
        yibao_recon::report::write_atomic(path, html.as_bytes())?;
    }
    if !input.quiet {
        out!(
            "{}",
            yibao_recon::report::explain::page(
                person,
                &result,
                &policy.name,
                input.lang,
                input.ids(),
                yibao_recon::report::explain::Unread::of(&batch),
            )
        );
    }
    Ok(exit::OK)
}
