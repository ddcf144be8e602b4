//! Reading a text file (or stdin) that might never end: `--manifest /dev/zero` or an endless
//! pipe stops at a cap with a clear message instead of filling memory.

use std::io::Read;
use std::path::Path;

/// The most appreg reads of a file the user names (a manifest, a profile): a thousand times
/// the largest real one.
pub const INPUT_CAP_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {name}: {source}")]
    Io {
        name: String,
        source: std::io::Error,
    },
    #[error("{name} holds more than {}, the most appreg reads from it: is it the right file?", size(*.cap))]
    TooLarge { name: String, cap: usize },
    #[error("{name} is not UTF-8 text (line {line})")]
    NotText { name: String, line: usize },
}

impl ReadError {
    /// The file is not there at all (as opposed to unreadable or unfit).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// The text of the file at `path`, at most `cap` bytes of it.
pub fn read_file(path: &Path, cap: usize) -> Result<String, ReadError> {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(file) => read(file, &name, cap),
        Err(source) => Err(ReadError::Io { name, source }),
    }
}

/// The bytes of the file at `path` (an image), at most `cap` of them.
pub fn read_bytes(path: &Path, cap: usize) -> Result<Vec<u8>, ReadError> {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(file) => read_raw(file, &name, cap),
        Err(source) => Err(ReadError::Io { name, source }),
    }
}

/// The text `reader` gives, at most `cap` bytes of it; `name` says where it came from.
pub fn read(reader: impl Read, name: &str, cap: usize) -> Result<String, ReadError> {
    let bytes = read_raw(reader, name, cap)?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        ReadError::NotText {
            name: name.to_string(),
            line: valid.iter().filter(|&&b| b == b'\n').count() + 1,
        }
    })
}

fn read_raw(reader: impl Read, name: &str, cap: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    // One byte past the cap tells a text that fits exactly from one that goes on.
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            name: name.to_string(),
            source,
        })?;
    if bytes.len() > cap {
        return Err(ReadError::TooLarge {
            name: name.to_string(),
            cap,
        });
    }
    Ok(bytes)
}

/// `bytes` in the largest binary unit that divides it.
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_input_stops_at_the_cap() {
        let endless = std::io::repeat(b'x');
        let error = read(endless, "stdin", 64 * 1024).unwrap_err();
        assert!(matches!(error, ReadError::TooLarge { .. }));
        assert_eq!(
            error.to_string(),
            "stdin holds more than 64 KiB, the most appreg reads from it: is it the right file?"
        );
    }

    #[test]
    fn a_text_of_exactly_the_cap_is_read_whole() {
        let text = read("abcd".as_bytes(), "x", 4).unwrap();
        assert_eq!(text, "abcd");
        assert!(read("abcde".as_bytes(), "x", 4).is_err());
    }

    #[test]
    fn bytes_that_are_not_utf8_name_their_line() {
        let error = read(&b"{\n  \"a\": \"\xff\"\n}"[..], "m.json", 100).unwrap_err();
        assert_eq!(error.to_string(), "m.json is not UTF-8 text (line 2)");
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_at_the_cap() {
        let error = read_file(Path::new("/dev/zero"), INPUT_CAP_BYTES).unwrap_err();
        assert!(error.to_string().contains("more than 1 MiB"), "{error}");
    }

    #[test]
    fn a_missing_file_says_so() {
        let error = read_file(Path::new("/nonexistent/appreg.json"), 10).unwrap_err();
        assert!(error.is_not_found(), "{error}");
    }
}
