//! `appreg completions SHELL`: the completion script, made from the same definitions the
//! arguments are parsed with, so it always knows every command and option.

use super::HeadlessError;
use super::output::write_stdout;
use crate::cli::{BIN, Cli};
use clap::CommandFactory;
use clap_complete::Shell;

pub fn completions(shell: Shell) -> Result<(), HeadlessError> {
    // Into memory first: the generator panics on a failed write, a closed pipe included.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    write_stdout(&script, "the completion script")
}
