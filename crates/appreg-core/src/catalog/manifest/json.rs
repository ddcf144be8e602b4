//! The block as JSON: a whole manifest, the bare `"requiredResourceAccess": [...]` property, the
//! array or one entry, with the guides' usual slips repaired when the fix is unambiguous (the
//! opening brace before a bare property, trailing commas, closing brackets cut off at the end).

use super::{Entry, ManifestError, Problem};

/// Accepts a whole manifest, the bare property, the array, or one entry object.
pub(super) fn parse(text: &str) -> Result<(Vec<Entry>, Vec<String>), ManifestError> {
    let mut repairs = Vec::new();
    let trimmed = text.trim_start();
    // Line numbers count from the pasted text's first line, blank ones included.
    let skipped = text[..text.len() - trimmed.len()].matches('\n').count();
    let mut candidate = trimmed.trim_end().trim_end_matches(',').to_string();
    if candidate.is_empty() {
        return Err(ManifestError::new("the block is empty"));
    }
    if candidate.starts_with('"') {
        // The closing brace is added with any other missing closers below.
        candidate.insert(0, '{');
        repairs.push("added the opening brace before the property".into());
    }
    // The repairs below keep every line break, so a line of `candidate` is the same line of
    // the pasted text.
    let without_commas = strip_trailing_commas(&candidate);
    if without_commas != candidate {
        repairs.push("removed trailing commas".into());
        candidate = without_commas;
    }
    let closers = missing_closers(&candidate).map_err(|p| p.in_text(text, skipped))?;
    if !closers.is_empty() {
        repairs.push(format!("added the missing closing '{closers}'"));
        candidate.push_str(&closers);
    }
    let value: serde_json::Value = serde_json::from_str(&candidate)
        .map_err(|e| Problem::from_json(&e).in_text(text, skipped))?;
    let list = match value {
        serde_json::Value::Object(mut map) => match map.remove("requiredResourceAccess") {
            Some(list) => list,
            None if map.contains_key("resourceAppId") => {
                serde_json::Value::Array(vec![serde_json::Value::Object(map)])
            }
            None => {
                return Err(ManifestError::new(
                    "no requiredResourceAccess property and no resourceAppId in it",
                ));
            }
        },
        list @ serde_json::Value::Array(_) => list,
        _ => return Err(ManifestError::new("expected a JSON object or array")),
    };
    let entries = serde_json::from_value(list).map_err(|e| {
        ManifestError::new(format!(
            "each entry needs resourceAppId and resourceAccess [{{id, type}}]: {e}"
        ))
    })?;
    Ok((entries, repairs))
}

/// Follows JSON text character by character, telling structure from string content.
#[derive(Default)]
struct Scanner {
    in_string: bool,
    escaped: bool,
}

impl Scanner {
    /// Whether `c` is structure (outside any string, quotes excluded).
    fn structural(&mut self, c: char) -> bool {
        if self.in_string {
            match (self.escaped, c) {
                (true, _) => self.escaped = false,
                (false, '\\') => self.escaped = true,
                (false, '"') => self.in_string = false,
                _ => {}
            }
            return false;
        }
        if c == '"' {
            self.in_string = true;
            return false;
        }
        true
    }
}

/// Whether the text has a brace outside its strings: JSON of this block always does, a page that
/// printed it without its braces never.
pub(super) fn has_braces(text: &str) -> bool {
    let mut scanner = Scanner::default();
    text.chars()
        .any(|c| scanner.structural(c) && matches!(c, '{' | '}'))
}

/// Removes commas that stand right before a closing bracket, outside strings.
fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut scanner = Scanner::default();
    // A comma and the white space after it, held until the next structural character.
    let mut held: Option<String> = None;
    for c in text.chars() {
        if !scanner.structural(c) {
            out.extend(held.take());
            out.push(c);
            continue;
        }
        match (held.as_mut(), c) {
            (Some(pending), c) if c.is_whitespace() => pending.push(c),
            (Some(_), ']' | '}') => {
                out.push_str(held.take().unwrap_or_default().trim_start_matches(','));
                out.push(c);
            }
            (_, ',') => {
                out.extend(held.take());
                held = Some(",".into());
            }
            _ => {
                out.extend(held.take());
                out.push(c);
            }
        }
    }
    if let Some(pending) = held {
        out.push_str(pending.trim_start_matches(','));
    }
    out
}

/// The brackets a block cut off at its end still needs, innermost first.
fn missing_closers(text: &str) -> Result<String, Problem> {
    let mut stack = Vec::new();
    let mut scanner = Scanner::default();
    // Where the current line starts, and where the string being read opened.
    let (mut line, mut line_start) = (1, 0);
    let mut string_at = (1, 1);
    for (at, c) in text.char_indices() {
        let column = at - line_start + 1;
        let in_string = scanner.in_string;
        let structural = scanner.structural(c);
        if scanner.in_string && !in_string {
            string_at = (line, column);
        }
        if c == '\n' {
            (line, line_start) = (line + 1, at + 1);
        }
        match c {
            '{' if structural => stack.push('}'),
            '[' if structural => stack.push(']'),
            '}' | ']' if structural && stack.pop() != Some(c) => {
                return Err(Problem {
                    line,
                    column,
                    why: format!("a '{c}' does not match its opening bracket"),
                });
            }
            _ => {}
        }
    }
    if scanner.in_string {
        let (line, column) = string_at;
        return Err(Problem {
            line,
            column,
            why: "a string is not closed".into(),
        });
    }
    Ok(stack.into_iter().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_leave_string_content_alone() {
        let text = r#"{"a": "x, ]", "b": [1, 2,],}"#;
        assert_eq!(strip_trailing_commas(text), r#"{"a": "x, ]", "b": [1, 2]}"#);
        assert_eq!(missing_closers(r#"{"a": ["}""#).unwrap(), "]}");
    }
}
