//! Indented lines, written the same way by every format.

use crate::text::one_line;

pub struct Lines {
    out: String,
    depth: usize,
}

impl Lines {
    pub fn new() -> Self {
        Lines {
            out: String::new(),
            depth: 0,
        }
    }

    /// A line at the current indentation.
    pub fn line(&mut self, text: impl AsRef<str>) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    /// An empty line, with no indentation left on it.
    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    /// A line that opens a nested body.
    pub fn open(&mut self, text: impl AsRef<str>) {
        self.line(text);
        self.depth += 1;
    }

    /// A line that closes the body `open` began.
    pub fn close(&mut self, text: impl AsRef<str>) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
    }

    /// A comment line: outside text in it is one line with no control character, so it can
    /// never end the comment early.
    pub fn comment(&mut self, marker: &str, text: &str) {
        self.line(format!("{marker} {}", one_line(text)));
    }

    /// The text, ending in exactly one line break.
    pub fn finish(self) -> String {
        let mut out = self.out;
        out.truncate(out.trim_end_matches('\n').len());
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn comments_stay_on_their_line() {
        let mut lines = Lines::new();
        lines.open("a {");
        lines.comment("#", "name\nrm -rf ~\r\u{1b}[2J");
        lines.close("}");
        assert_eq!(lines.finish(), "a {\n  # name rm -rf ~ [2J\n}\n");
    }
}
