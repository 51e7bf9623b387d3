//! The language of human messages (`--lang`). Codes and column names never change with it.

use std::str::FromStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the message for this language; every message is written in both.
    /// 0 for Chinese, 1 for English: where a pair of texts keeps each.
    pub fn pick_index(self) -> usize {
        match self {
            Lang::Zh => 0,
            Lang::En => 1,
        }
    }

    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language '{other}': use zh or en")),
        }
    }
}
