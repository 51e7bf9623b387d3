//! An uploaded file's name, as the client wrote it in the part's `Content-Disposition`:
//! `filename*=UTF-8''…` (RFC 5987, percent-encoded) before `filename="…"`; a quoted name
//! with its backslash escapes (`\"`) and the `%22` Chrome writes for a quote; bytes that
//! are not UTF-8 read as GB18030 (an older Windows client in China); a path cut to its
//! last part. multer's own parser gives nothing for the first and the third, and cuts a
//! name at an escaped backslash — each became `upload-N`, or "" (SPEC 2.7's small faults).

/// The file name a part's `Content-Disposition` gives, `None` when it gives none.
pub fn file_name(disposition: &[u8]) -> Option<String> {
    let params = params(disposition);
    let extended = params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(b"filename*"))
        .and_then(|(_, v)| extended_value(v));
    let name = extended.or_else(|| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(b"filename"))
            .map(|(_, v)| decode(&percent_decode(v, b"\"\r\n")))
    })?;
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>();
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// The `key=value` parameters after the disposition type, values unquoted.
fn params(header: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = header
        .iter()
        .position(|&b| b == b';')
        .map_or(header.len(), |p| p + 1);
    while i < header.len() {
        while i < header.len() && (header[i] == b' ' || header[i] == b'\t' || header[i] == b';') {
            i += 1;
        }
        let key_start = i;
        while i < header.len() && header[i] != b'=' && header[i] != b';' {
            i += 1;
        }
        let key = header[key_start..i].trim_ascii().to_vec();
        if i >= header.len() || header[i] == b';' {
            continue;
        }
        i += 1; // '='
        while i < header.len() && header[i] == b' ' {
            i += 1;
        }
        let mut value = Vec::new();
        if header.get(i) == Some(&b'"') {
            i += 1;
            while i < header.len() && header[i] != b'"' {
                // `\"` and `\\` are escapes; any other backslash is a path's (an old
                // Windows client sends `C:\Users\…\a.csv`).
                if header[i] == b'\\' && matches!(header.get(i + 1), Some(b'"' | b'\\')) {
                    i += 1;
                }
                value.push(header[i]);
                i += 1;
            }
            i += 1; // the closing quote
            while i < header.len() && header[i] != b';' {
                i += 1;
            }
        } else {
            while i < header.len() && header[i] != b';' {
                value.push(header[i]);
                i += 1;
            }
            value = value.trim_ascii().to_vec();
        }
        out.push((key, value));
    }
    out
}

/// `charset'language'percent-encoded` (RFC 5987): UTF-8, or a Chinese legacy charset.
fn extended_value(value: &[u8]) -> Option<String> {
    let mut parts = value.splitn(3, |&b| b == b'\'');
    let (charset, _, encoded) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes = percent_decode(encoded, b"");
    let charset = String::from_utf8_lossy(charset).to_ascii_lowercase();
    match charset.as_str() {
        "utf-8" | "utf8" | "" => Some(decode(&bytes)),
        other => {
            let encoding = encoding_rs::Encoding::for_label(other.as_bytes())?;
            Some(encoding.decode_without_bom_handling(&bytes).0.into_owned())
        }
    }
}

/// `%XX` decoded — every one, or (with `only` not empty) only those of the bytes listed.
fn percent_decode(value: &[u8], only: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%'
            && let Some(byte) = value
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            && (only.is_empty() || only.contains(&byte))
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    out
}

/// UTF-8, else GB18030 (which reads every byte sequence).
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn plain_and_quoted_names() {
        assert_eq!(
            file_name(br#"form-data; name="files"; filename="a.csv""#).as_deref(),
            Some("a.csv")
        );
        assert_eq!(
            file_name(br#"form-data; name="files"; filename=a.csv"#).as_deref(),
            Some("a.csv")
        );
        assert_eq!(
            file_name(br#"form-data; name="files"; filename="say \"hi\".csv""#).as_deref(),
            Some(r#"say "hi".csv"#)
        );
        assert_eq!(
            file_name(br#"form-data; name="files"; filename="say %22hi%22.csv""#).as_deref(),
            Some(r#"say "hi".csv"#)
        );
        assert_eq!(
            file_name(r#"form-data; name="files"; filename="C:\Users\hr\1月.csv""#.as_bytes())
                .as_deref(),
            Some("1月.csv")
        );
        assert_eq!(file_name(br#"form-data; name="files"; filename="""#), None);
        assert_eq!(file_name(br#"form-data; name="files""#), None);
    }

    #[test]
    fn extended_and_legacy_names() {
        assert_eq!(
            file_name(
                b"form-data; name=\"files\"; filename*=UTF-8''%E6%98%8E%E7%BB%86.csv; filename=\"x.csv\""
            )
            .as_deref(),
            Some("明细.csv")
        );
        assert_eq!(
            file_name(b"form-data; name=\"files\"; filename*=gbk''%C3%F7%CF%B8.csv").as_deref(),
            Some("明细.csv")
        );
        // GBK bytes where UTF-8 was expected: 明细.csv
        let mut header = b"form-data; name=\"files\"; filename=\"".to_vec();
        header.extend_from_slice(&[0xC3, 0xF7, 0xCF, 0xB8]);
        header.extend_from_slice(b".csv\"");
        assert_eq!(file_name(&header).as_deref(), Some("明细.csv"));
        assert_eq!(
            file_name("form-data; name=\"files\"; filename=\"个人账户明细.xlsx\"".as_bytes())
                .as_deref(),
            Some("个人账户明细.xlsx")
        );
    }
}
