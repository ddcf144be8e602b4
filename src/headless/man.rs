//! `appreg man`: the manual page (roff) on stdout, or with `--dir` one page per command
//! (`appreg.1`, `appreg-create.1`, …), made from the argument definitions themselves.

use super::HeadlessError;
use super::output::write_stdout;
use crate::cli::{Cli, ManArgs};
use clap::CommandFactory;
use std::path::Path;

pub fn man(args: &ManArgs) -> Result<(), HeadlessError> {
    let command = Cli::command();
    match &args.dir {
        Some(dir) => write_pages(command, dir),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|source| HeadlessError::Io {
                    what: "cannot make the man page".into(),
                    source,
                })?;
            write_stdout(&page, "the man page")
        }
    }
}

fn write_pages(command: clap::Command, dir: &Path) -> Result<(), HeadlessError> {
    let io = |source| HeadlessError::Io {
        what: format!("cannot write the man pages to {}", dir.display()),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    clap_mangen::generate_to(command, dir).map_err(io)?;
    eprintln!("Man pages written to {}", dir.display());
    Ok(())
}
