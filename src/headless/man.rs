//! `appreg man`: the manual page (roff) on stdout, or with `--dir` one page per command
//! (`appreg.1`, `appreg-create.1`, …), made from the argument definitions themselves.

use super::HeadlessError;
use super::output::write_stdout;
use crate::cli::{Cli, ManArgs};
use clap::CommandFactory;
use clap_mangen::Man;
use std::path::Path;

pub fn man(args: &ManArgs) -> Result<(), HeadlessError> {
    // Built as clap_mangen's own generator builds it: subcommands named `appreg-create`.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    match &args.dir {
        Some(dir) => {
            let io = |source| HeadlessError::Io {
                what: format!("cannot write the man pages to {}", dir.display()),
                source,
            };
            std::fs::create_dir_all(dir).map_err(io)?;
            write_pages(command, dir).map_err(io)?;
            eprintln!("Man pages written to {}", dir.display());
            Ok(())
        }
        None => {
            let page = page(&Man::new(command)).map_err(|source| HeadlessError::Io {
                what: "cannot make the man page".into(),
                source,
            })?;
            write_stdout(&page, "the man page")
        }
    }
}

/// A page for `command` and for each of its visible subcommands, in `dir`.
fn write_pages(command: clap::Command, dir: &Path) -> std::io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub.clone(), dir)?;
    }
    let man = Man::new(command);
    std::fs::write(dir.join(man.get_filename()), page(&man)?)
}

/// The page with its `.TH` title as the first line, where `man` tools and readers look for
/// it; roff's apostrophe string, which the renderer puts first, is still defined before use.
fn page(man: &Man) -> std::io::Result<Vec<u8>> {
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    let text = String::from_utf8(roff).map_err(std::io::Error::other)?;
    let mut lines: Vec<&str> = text.lines().collect();
    if let Some(title) = lines.iter().position(|l| l.starts_with(".TH ")) {
        let line = lines.remove(title);
        lines.insert(0, line);
    }
    Ok((lines.join("\n") + "\n").into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_comes_first_and_nothing_is_lost() {
        let man = Man::new(Cli::command());
        let mut plain = Vec::new();
        man.render(&mut plain).unwrap();
        let page = String::from_utf8(page(&man).unwrap()).unwrap();
        assert!(page.starts_with(".TH appreg 1"), "{page}");
        let sorted = |text: &str| {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&page), sorted(&String::from_utf8(plain).unwrap()));
    }
}
