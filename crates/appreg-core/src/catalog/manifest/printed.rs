//! The block as a guide's page prints it: the code block loses its braces and closing brackets
//! in rendering, leaving `"requiredResourceAccess": [`, then bare `"resourceAppId": …`,
//! `"resourceAccess": [`, `"id": …` and `"type": …` lines, commas or not. The keys alone still
//! say where each entry and each permission starts, so the structure is rebuilt from them:
//! `resourceAppId` opens an entry, `resourceAccess` its list, `id` a permission, `type` ends it.

use super::{Access, Entry, Problem};

/// Where a piece of the text starts: 1-based line, 1-based byte column.
#[derive(Debug, Clone, Copy)]
struct Spot {
    line: usize,
    column: usize,
}

impl Spot {
    fn problem(self, why: impl Into<String>) -> Problem {
        Problem {
            line: self.line,
            column: self.column,
            why: why.into(),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Piece {
    Text(String),
    Colon,
    Comma,
    Open,
    Close,
    /// Anything else between separators: a number, `true`, a stray word.
    Bare,
}

/// What follows a key and its colon.
enum Value {
    Text(String),
    /// The opening of a list.
    List,
    /// Nothing, or something that is neither.
    Other,
}

/// The entries the keys of `text` describe, or the first line that does not fit.
pub(super) fn parse(text: &str) -> Result<Vec<Entry>, Problem> {
    let mut rebuild = Rebuild::default();
    let mut rest = tokens(text);
    while let Some(token) = rest.next() {
        let (piece, at) = token?;
        let key = match piece {
            // Separators: the structure comes from the keys, not from what is left of it.
            Piece::Comma | Piece::Open | Piece::Close => continue,
            Piece::Text(key) => key,
            Piece::Colon | Piece::Bare => return Err(at.problem("expected a \"key\": value pair")),
        };
        if !matches!(rest.next().transpose()?, Some((Piece::Colon, _))) {
            return Err(at.problem(format!("expected ':' after \"{key}\"")));
        }
        let value = match rest.next().transpose()? {
            Some((Piece::Text(value), _)) => Value::Text(value),
            Some((Piece::Open, _)) => Value::List,
            _ => Value::Other,
        };
        rebuild.take(&key, value, at)?;
    }
    rebuild.finish()
}

#[derive(Default)]
struct Rebuild {
    entries: Vec<Entry>,
    /// The current entry has had its `resourceAccess`.
    in_list: bool,
    /// A permission's id waiting for its type, and where it was.
    pending: Option<(String, Spot)>,
}

impl Rebuild {
    fn take(&mut self, key: &str, value: Value, at: Spot) -> Result<(), Problem> {
        match (key, value) {
            ("requiredResourceAccess", Value::List) if self.entries.is_empty() => {}
            ("requiredResourceAccess", Value::List) => {
                return Err(at.problem("a second requiredResourceAccess in one block"));
            }
            ("resourceAppId", Value::Text(app_id)) => {
                self.close_permission()?;
                self.entries.push(Entry {
                    resource_app_id: app_id,
                    resource_access: Vec::new(),
                });
                self.in_list = false;
            }
            ("resourceAccess", Value::List) if self.entries.is_empty() => {
                return Err(at.problem("resourceAccess before any resourceAppId"));
            }
            ("resourceAccess", Value::List) if self.in_list => {
                return Err(at.problem("a second resourceAccess for one resourceAppId"));
            }
            ("resourceAccess", Value::List) => self.in_list = true,
            ("id", Value::Text(_)) if !self.in_list => {
                return Err(at.problem("an id outside a resourceAccess list"));
            }
            ("id", Value::Text(id)) => {
                self.close_permission()?;
                self.pending = Some((id, at));
            }
            ("type", Value::Text(kind)) => {
                let (id, _) = self
                    .pending
                    .take()
                    .ok_or_else(|| at.problem("a type without an id before it"))?;
                if let Some(entry) = self.entries.last_mut() {
                    entry.resource_access.push(Access { id, kind });
                }
            }
            ("requiredResourceAccess" | "resourceAccess", _) => {
                return Err(at.problem(format!("\"{key}\" takes a list ([)")));
            }
            ("resourceAppId" | "id" | "type", _) => {
                return Err(at.problem(format!("\"{key}\" takes a string")));
            }
            _ => {
                return Err(at.problem(format!(
                    "unexpected key \"{key}\": a block without braces can only hold requiredResourceAccess, resourceAppId, resourceAccess, id and type"
                )));
            }
        }
        Ok(())
    }

    /// A permission's id must have had its type before the next permission or entry starts.
    fn close_permission(&mut self) -> Result<(), Problem> {
        match self.pending.take() {
            Some((_, at)) => Err(at.problem("this id has no \"type\" after it")),
            None => Ok(()),
        }
    }

    fn finish(mut self) -> Result<Vec<Entry>, Problem> {
        self.close_permission()?;
        if self.entries.is_empty() {
            return Err(Spot { line: 1, column: 1 }.problem("no resourceAppId in the block"));
        }
        Ok(self.entries)
    }
}

/// The text's strings, separators and bare words in order, line by line (a JSON string never
/// spans lines); read lazily, so the first problem in the text is the one reported.
fn tokens(text: &str) -> impl Iterator<Item = Result<(Piece, Spot), Problem>> + '_ {
    text.lines()
        .enumerate()
        .flat_map(|(index, line)| LineTokens {
            line,
            number: index + 1,
            rest: line.char_indices().peekable(),
        })
}

struct LineTokens<'t> {
    line: &'t str,
    number: usize,
    rest: std::iter::Peekable<std::str::CharIndices<'t>>,
}

impl Iterator for LineTokens<'_> {
    type Item = Result<(Piece, Spot), Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        let (at, c) = self.rest.find(|(_, c)| !c.is_whitespace())?;
        let spot = Spot {
            line: self.number,
            column: at + 1,
        };
        let piece = match c {
            ':' => Piece::Colon,
            ',' => Piece::Comma,
            '[' => Piece::Open,
            ']' => Piece::Close,
            '"' => match self.string(at, spot) {
                Ok(text) => Piece::Text(text),
                Err(problem) => {
                    // Nothing after a broken string on this line is read.
                    self.rest.by_ref().for_each(drop);
                    return Some(Err(problem));
                }
            },
            _ => {
                while self
                    .rest
                    .next_if(|&(_, c)| !c.is_whitespace() && !":,[]\"".contains(c))
                    .is_some()
                {}
                Piece::Bare
            }
        };
        Some(Ok((piece, spot)))
    }
}

impl LineTokens<'_> {
    /// The string that opens at `start`, decoded; its characters are consumed with it.
    fn string(&mut self, start: usize, spot: Spot) -> Result<String, Problem> {
        let end =
            string_end(self.line, start).ok_or_else(|| spot.problem("a string is not closed"))?;
        while self.rest.next_if(|&(i, _)| i <= end).is_some() {}
        serde_json::from_str(&self.line[start..=end])
            .map_err(|e| spot.problem(format!("a string that is not valid JSON ({e})")))
    }
}

/// The byte index of the quote closing the string that opens at `start`.
fn string_end(line: &str, start: usize) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in line[start + 1..].char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(start + 1 + at),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(entries: &[Entry]) -> Vec<(String, Vec<String>)> {
        entries
            .iter()
            .map(|e| {
                let ids = e
                    .resource_access
                    .iter()
                    .map(|a| format!("{} {}", a.id, a.kind))
                    .collect();
                (e.resource_app_id.clone(), ids)
            })
            .collect()
    }

    #[test]
    fn keys_rebuild_entries_with_or_without_commas() {
        let text = r#""requiredResourceAccess": [
            "resourceAppId": "graph",
            "resourceAccess": [
                "id": "a",
                "type": "Scope"
                "id": "b", "type": "Role"
            "resourceAppId": "exchange"
            "resourceAccess": []
            "resourceAppId": "none""#;
        let entries = parse(text).unwrap();
        assert_eq!(
            ids(&entries),
            [
                ("graph".into(), vec!["a Scope".into(), "b Role".into()]),
                ("exchange".into(), vec![]),
                ("none".into(), vec![]),
            ]
        );
    }

    #[test]
    fn what_does_not_fit_is_named_by_its_line() {
        let cases = [
            (
                "\"resourceAppId\": \"x\",\n\"resourceAccess\": [\n\"id\": \"a\",\n\"id\": \"b\"",
                3,
                "this id has no \"type\" after it",
            ),
            (
                "\"resourceAppId\": \"x\",\n\"id\": \"a\"",
                2,
                "an id outside a resourceAccess list",
            ),
            (
                "\"resourceAppId\": \"x\",\n\"resourceAccess\": [\n\"type\": \"Scope\"",
                3,
                "a type without an id before it",
            ),
            (
                "\"resourceAccess\": [\n\"id\": \"a\"",
                1,
                "resourceAccess before any resourceAppId",
            ),
            (
                "\"resourceAppId\": \"x\",\n\n  \"displayName\": \"y\"",
                3,
                "unexpected key \"displayName\"",
            ),
            (
                "\"resourceAppId\" \"x\"",
                1,
                "expected ':' after \"resourceAppId\"",
            ),
            (
                "\"resourceAppId\": 5",
                1,
                "\"resourceAppId\" takes a string",
            ),
            (
                "\"resourceAppId\": [",
                1,
                "\"resourceAppId\" takes a string",
            ),
            (
                "\"resourceAccess\": \"x\"",
                1,
                "\"resourceAccess\" takes a list ([)",
            ),
            (
                "ok\n\"resourceAppId\": \"x",
                1,
                "expected a \"key\": value pair",
            ),
            ("\"resourceAppId\": \"x", 1, "a string is not closed"),
            ("[]", 1, "no resourceAppId in the block"),
        ];
        for (text, line, why) in cases {
            let problem = parse(text).unwrap_err();
            assert_eq!(problem.line, line, "{text}");
            assert!(problem.why.starts_with(why), "{text}: {}", problem.why);
        }
    }

    #[test]
    fn strings_keep_escapes_and_separators_inside_them() {
        let text =
            r#""resourceAppId": "a\"b, [c]: d",  "resourceAccess": [ "id": "é", "type": "Scope""#;
        assert_eq!(
            ids(&parse(text).unwrap()),
            [("a\"b, [c]: d".into(), vec!["é Scope".into()])]
        );
    }
}
