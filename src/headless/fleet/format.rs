//! How `doctor --all` writes each report as it arrives: text, one streamed JSON document
//! (`{"apps": [...], "summary": {...}}`), or CSV with one row per finding. Nothing is kept but
//! counts.

use super::bar::Bar;
use crate::doctor::fleet::{AppReport, FleetSink};
use crate::doctor::{Code, Severity};
use crate::text;
use serde_json::json;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
}

/// Which apps and findings are reported.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only these findings; an app with none of them is not reported. Empty: all.
    pub codes: Vec<Code>,
    /// Only the apps judged against this preset (or `unknown`).
    pub platform: Option<String>,
}

impl Filter {
    /// The report as the filter leaves it, or `None` when the app is not reported.
    fn apply(&self, mut report: AppReport) -> Option<AppReport> {
        if self
            .platform
            .as_ref()
            .is_some_and(|p| *p != report.platform)
        {
            return None;
        }
        report.keep_codes(&self.codes);
        (self.codes.is_empty() || !report.findings.is_empty()).then_some(report)
    }
}

pub struct Printer<W: Write> {
    out: W,
    format: Format,
    filter: Filter,
    bar: Option<Bar>,
    /// The document's opening is out.
    started: bool,
    audited: usize,
    reported: usize,
    with_errors: usize,
}

const CSV_HEADER: &str = "appId,displayName,platform,severity,code,title\n";

impl<W: Write> Printer<W> {
    pub fn new(out: W, format: Format, filter: Filter, bar: Option<Bar>) -> Self {
        Self {
            out,
            format,
            filter,
            bar,
            started: false,
            audited: 0,
            reported: 0,
            with_errors: 0,
        }
    }

    /// Closes the document (after a failure too, so JSON stays whole) and returns how many
    /// reported apps have an error finding.
    pub fn finish(mut self, audited: Option<usize>) -> std::io::Result<usize> {
        if let Some(bar) = &self.bar {
            bar.clear();
        }
        self.start()?;
        let summary = json!({
            "audited": audited.unwrap_or(self.audited),
            "reported": self.reported,
            "withErrors": self.with_errors,
            "complete": audited.is_some(),
        });
        match self.format {
            Format::Json => writeln!(self.out, "\n  ],\n  \"summary\": {summary}\n}}")?,
            Format::Csv => {}
            Format::Text => writeln!(
                self.out,
                "{} apps audited{}: {} reported, {} with errors",
                self.audited,
                if audited.is_some() {
                    ""
                } else {
                    " (stopped early)"
                },
                self.reported,
                self.with_errors
            )?,
        }
        self.out.flush()?;
        Ok(self.with_errors)
    }

    /// The document's opening, once, before the first app (or the end).
    fn start(&mut self) -> std::io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match self.format {
            Format::Json => write!(self.out, "{{\n  \"apps\": ["),
            Format::Csv => write!(self.out, "{CSV_HEADER}"),
            Format::Text => Ok(()),
        }
    }

    fn write(&mut self, report: &AppReport) -> std::io::Result<()> {
        match self.format {
            Format::Json => {
                let separator = if self.reported == 0 { "" } else { "," };
                let line = serde_json::to_string(report).map_err(std::io::Error::other)?;
                write!(self.out, "{separator}\n    {line}")
            }
            Format::Csv => {
                for finding in &report.findings {
                    let row = [
                        report.app_id.as_str(),
                        &report.display_name,
                        &report.platform,
                        &finding.severity.to_string(),
                        finding.code.as_str(),
                        &finding.title,
                    ]
                    .map(csv_field)
                    .join(",");
                    writeln!(self.out, "{row}")?;
                }
                Ok(())
            }
            Format::Text => {
                writeln!(
                    self.out,
                    "\"{}\" {} [{}]",
                    text::one_line(&report.display_name),
                    report.app_id,
                    report.platform
                )?;
                for finding in &report.findings {
                    writeln!(
                        self.out,
                        "  {} [{}] {}",
                        finding.severity,
                        finding.code,
                        text::one_line(&finding.title)
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl<W: Write> FleetSink for Printer<W> {
    fn total(&mut self, apps: usize) {
        if let Some(bar) = &mut self.bar {
            bar.total(apps);
        }
    }

    fn report(&mut self, report: AppReport) -> std::io::Result<()> {
        self.audited += 1;
        if let Some(bar) = &mut self.bar {
            bar.advance();
        }
        let Some(report) = self.filter.apply(report) else {
            return Ok(());
        };
        if self.format == Format::Text && report.findings.is_empty() {
            // Text lists what needs looking at; a healthy app is only counted.
            self.reported += 1;
            return Ok(());
        }
        self.start()?;
        self.write(&report)?;
        self.reported += 1;
        if report.worst() == Some(Severity::Error) {
            self.with_errors += 1;
        }
        Ok(())
    }
}

/// One CSV field: quoted, quotes doubled, and on one line with no control character.
fn csv_field(value: &str) -> String {
    format!("\"{}\"", text::one_line(value).replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_on_one_line() {
        assert_eq!(csv_field("a \"b\",\nc\u{1b}[31m"), "\"a \"\"b\"\", c[31m\"");
    }
}
