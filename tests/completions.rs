//! `appreg completions SHELL` and `appreg man`: made from the argument definitions, they name
//! every command and option.

use std::process::Output;
use tokio::process::Command;

async fn appreg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args(args)
        .env_remove("APPREG_ACCESS_TOKEN")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("appreg runs")
}

const COMMANDS: [&str; 8] = [
    "create",
    "plan",
    "profiles",
    "doctor",
    "rotate-secret",
    "export",
    "completions",
    "man",
];

#[tokio::test]
async fn every_shell_gets_a_script_naming_the_commands_and_options() {
    // PowerShell and elvish complete commands and options, not option values.
    for (shell, completes_values) in [
        ("bash", true),
        ("zsh", true),
        ("fish", true),
        ("powershell", false),
        ("elvish", false),
    ] {
        let output = appreg(&["completions", shell]).await;
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).expect("UTF-8");
        assert!(script.len() > 1000, "{shell}: {script}");
        for word in COMMANDS.iter().chain(&["app-id", "format", "profile"]) {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
        assert_eq!(script.contains("terraform"), completes_values, "{shell}");
    }
    let output = appreg(&["completions", "tcsh"]).await;
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn the_man_page_is_roff_and_names_the_commands() {
    let output = appreg(&["man"]).await;
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(page.starts_with(".TH appreg 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section}: {page}");
    }
    for command in COMMANDS {
        assert!(
            page.contains(&format!("appreg\\-{}", command.replace('-', "\\-"))),
            "{command}: {page}"
        );
    }
}

#[tokio::test]
async fn man_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let output = appreg(&["man", "--dir", pages.to_str().unwrap()]).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for name in [
        "appreg.1",
        "appreg-export.1",
        "appreg-doctor.1",
        "appreg-completions.1",
    ] {
        let page =
            std::fs::read_to_string(pages.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(page.starts_with(".TH"), "{name}");
    }
}
