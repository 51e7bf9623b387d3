//! Text from files, made safe to print on a terminal: a cell may hold control characters
//! and escape sequences (clear the screen, write the clipboard through OSC 52, retitle the
//! window), which `check` and `explain` printed raw.

use std::borrow::Cow;

/// `text` without C0 controls (tab and newline kept), DEL, C1 controls, and with escape
/// sequences removed whole: CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC \`) and
/// two-character escapes. Borrowed when there is nothing to remove, which is nearly always.
///
/// ```
/// use yibao_recon::printable::printable;
/// assert_eq!(printable("张三\u{1b}[2J"), "张三");
/// assert_eq!(printable("a\u{1b}]52;c;ZXZpbA==\u{7}b"), "ab");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_control(c) && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1's CSI and OSC introducers carry sequences of their own.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' => skip_until_string_end(&mut chars),
            c if unsafe_char(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']' | 'P' | '^' | '_' | 'X') => skip_until_string_end(chars),
        // A two-character escape (ESC c, ESC 7…): the one after ESC is gone with it.
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes up to a final byte in `@`..=`~`.
fn skip_until_final(chars: &mut Chars) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            return;
        }
    }
}

/// OSC and other strings: up to BEL or the string terminator (ESC \ or C1's ST).
fn skip_until_string_end(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_and_controls_go_text_stays() {
        assert_eq!(printable("王芳\t2024-03\n"), "王芳\t2024-03\n");
        assert_eq!(printable("\u{1b}[31m红\u{1b}[0m"), "红");
        assert_eq!(printable("x\u{1b}]0;title\u{1b}\\y"), "xy");
        assert_eq!(printable("a\u{0}b\u{8}c\u{7f}d\u{85}e\r"), "abcde");
        assert_eq!(printable("\u{9b}2Jz"), "z");
    }

    proptest! {
        /// Whatever comes in, no control but tab and newline goes out, and a second pass
        /// changes nothing.
        #[test]
        fn no_control_survives(text in "(\\PC|[\\x00-\\x1f\\x7f-\\x9f]){0,60}") {
            let once = printable(&text).into_owned();
            prop_assert!(!once.chars().any(|c| is_control(c) && c != '\n' && c != '\t'));
            prop_assert_eq!(printable(&once).into_owned(), once);
        }
    }
}
