//! Layout rules for the exports people hold (SPEC 2.1), beyond one header over rows: who a
//! sheet is about when its rows do not say ([`identity`]); one row per side of a
//! contribution ([`long`]).

pub mod groups;
pub mod identity;
pub mod infer;
pub mod long;
pub mod pairs;
pub mod period;
pub mod rules;
