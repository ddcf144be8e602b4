//! `appreg export`: an existing app, its service principal and what was consented to it, as
//! Terraform with `import` blocks, as a Bicep file of the Microsoft Graph extension, or as the
//! `az` commands that make it anew. It is read the way `doctor` reads it; no secret is ever
//! read, so none can be written.

mod az;
mod bicep;
mod lines;
mod model;
mod shell;
mod terraform;
#[cfg(test)]
mod tests;

use super::HeadlessError;
use super::output::write_stdout;
use super::session::{connect, selector, with_progress};
use crate::catalog::Catalog;
use crate::cli::{ExportArgs, SignInArgs};
use crate::cloud::Endpoints;
use crate::doctor;
use model::Export;

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// hashicorp/azuread resources with import blocks.
    Terraform,
    /// A Bicep file of the Microsoft Graph extension.
    Bicep,
    /// Azure CLI commands that make the app anew (a POSIX shell script).
    Az,
}

impl Format {
    pub fn render(self, export: &Export) -> String {
        match self {
            Format::Terraform => terraform::render(export),
            Format::Bicep => bicep::render(export),
            Format::Az => az::render(export),
        }
    }
}

pub async fn export(
    args: &ExportArgs,
    endpoints: &Endpoints,
    sign_in: &SignInArgs,
    verbose: bool,
) -> Result<(), HeadlessError> {
    let selector = selector(&args.app)?;
    let client = connect(sign_in, endpoints, sign_in.tenant.clone()).await?;
    let inspection = with_progress(verbose, async |r| {
        doctor::inspect(&client, &selector, r).await
    })
    .await?;
    let text = args
        .format
        .render(&Export::new(&inspection, &Catalog::offline()));
    write_stdout(text.as_bytes(), "the export")
}
