//! The real binary in a pseudo-terminal: `appreg --demo` driven through every step to Done at
//! 80×24 and 120×40 (registering an app, and checking one), quit at every step, and the
//! terminal restored after SIGTERM and a panic; under Xvfb, the secret on a real X clipboard.
//! Unix only: the pty, `stty` and signals are the point.
#![cfg(unix)]

mod pty;

use appreg::tui::model::{Step, Task};
use pty::{DOWN, ENTER, ESC, TAB, UP, Wizard, assert_no_secret_in_files, count, wait_for_summary};

const APP_NAME: &str = "Acme Mail";

/// What each step shows while the user is on it.
fn landmark(step: Step) -> &'static str {
    match step {
        Step::Platform => "Which platform is the app for?",
        Step::SignIn => "Sign in with a code",
        Step::Tenant => "Where should the app be registered?",
        Step::Registration => "Register an application",
        Step::RedirectUris => "Nylas v3 redirect URIs (Web)",
        Step::Permissions => "API permissions (delegated unless marked)",
        Step::Secret => "How long should the client secret last?",
        Step::Settings => "Token configuration: optional claims in the ID token",
        Step::Review => "Register \"Acme Mail\" for Nylas v3",
        Step::Create => "Creating the app",
        Step::Apps => "Which app should be checked?",
        Step::Findings => "is checked against Nylas v3",
        Step::Rotate => "A new client secret",
        Step::Connect => "Give Nylas the credentials",
        Step::Reveal => "Value (hidden: r reveals)",
        Step::Done => "✓ Acme Mail is ready",
    }
}

/// The step after `step` when registering an app.
fn next(step: Step) -> Step {
    let steps = Task::Register.steps();
    let at = steps
        .iter()
        .position(|s| *s == step)
        .expect("a register step");
    steps[at + 1]
}

/// Does what a user does on `step` to reach the next one, and waits until it is there.
fn leave(wizard: &mut Wizard, step: Step) {
    match step {
        Step::Platform => {
            wizard.press(ENTER, "How do you want to sign in?");
            // The demo offers one method, device code; the code and its countdown come next.
            wizard.press(ENTER, landmark(Step::SignIn));
        }
        // The simulated user approves after a few polls; the wizard moves on by itself.
        Step::SignIn => {
            wizard.wait_for("Contoso (Demo)");
        }
        Step::Registration => {
            wizard.send(APP_NAME);
            wizard.wait_for("9 of 90 characters");
            wizard.press(ENTER, landmark(Step::RedirectUris));
        }
        // The run (and the sign-in with the new secret) ends on Connect by itself.
        Step::Create => {
            wizard.wait_for(landmark(Step::Connect));
        }
        // The demo's Connect step is prefilled with the simulator's Nylas: Enter connects.
        Step::Connect => {
            wizard.press(ENTER, "Nylas holds the credentials");
            wizard.press(ENTER, landmark(Step::Reveal));
        }
        // Nylas holds the secret, so going on needs no "I have saved it".
        Step::Reveal => {
            wizard.press(ENTER, landmark(Step::Done));
        }
        Step::Done => wizard.send(ENTER),
        _ => {
            wizard.press(ENTER, landmark(next(step)));
        }
    }
}

/// A demo wizard on `target`, every step before it done the way a user would.
fn walk_to(target: Step, cols: u16, rows: u16, dir: &std::path::Path) -> Wizard {
    let mut wizard = Wizard::demo_traced(cols, rows, dir);
    wizard.wait_for(landmark(Step::Platform));
    for step in Task::Register
        .steps()
        .iter()
        .copied()
        .take_while(|s| *s != target)
    {
        leave(&mut wizard, step);
    }
    wizard
}

/// The value in the reveal screen's box: the text between the box's last two borders.
fn secret_on(screen: &str) -> String {
    let mut rows = screen
        .lines()
        .skip_while(|l| !l.contains("Value (visible)"));
    let row = rows.nth(1).expect("the row under the box's title");
    let inside: Vec<&str> = row.rsplitn(3, '│').collect();
    let value = inside.get(1).expect("a boxed value").trim().to_string();
    assert!(value.len() >= 16, "looks like a secret: {value:?}");
    value
}

/// After exit: every mode the wizard turned on is off again, in the output and in the tty.
fn assert_restored(wizard: &Wizard) {
    let raw = wizard.raw();
    for (sequence, what) in [
        ("\x1b[?1049l", "alternate screen left"),
        ("\x1b[?25h", "cursor shown"),
        ("\x1b[?2004l", "bracketed paste off"),
        ("\x1b[?1000l", "mouse capture off"),
    ] {
        assert!(
            count(&raw, sequence.as_bytes()) > 0,
            "{what}: {sequence:?} not written"
        );
    }
    assert!(!wizard.alternate_screen(), "back on the main screen");
    let stty = wizard.stty();
    for flag in ["icanon", "echo", "icrnl", "opost"] {
        assert!(
            stty.split_whitespace().any(|f| f == flag),
            "raw mode is off: {flag} expected in\n{stty}"
        );
    }
}

fn every_step_to_done(cols: u16, rows: u16) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut wizard = walk_to(Step::Platform, cols, rows, dir.path());
    assert!(wizard.screen().contains("DEMO"), "the DEMO badge");
    for step in [
        Step::Platform,
        Step::SignIn,
        Step::Tenant,
        Step::Registration,
        Step::RedirectUris,
        Step::Permissions,
        Step::Secret,
        Step::Settings,
        Step::Review,
        Step::Create,
        Step::Connect,
    ] {
        let screen = wizard.wait_for(landmark(step));
        assert!(screen.contains("DEMO"), "{step:?}: the DEMO badge");
        let number = Task::Register
            .steps()
            .iter()
            .position(|s| *s == step)
            .unwrap_or(0)
            + 1;
        assert!(
            screen.contains(&format!("step {number} of 13")),
            "{step:?}: the step list says where we are\n{screen}"
        );
        if step >= Step::Tenant && step < Step::Create {
            // The reads of the tenant list, then of the tenant's permission lists.
            assert!(
                screen.contains("200 GET /"),
                "{step:?}: the Graph calls pane shows the reads\n{screen}"
            );
        }
        leave(&mut wizard, step);
    }

    let masked = wizard.wait_for("Value (hidden: r reveals)");
    assert!(masked.contains("••••••••"), "masked by default\n{masked}");
    assert!(
        masked.contains("POST /nylas/v3/connectors"),
        "the run's calls are listed, the platform's too\n{masked}"
    );
    let revealed = wizard.press("r", "Value (visible)");
    let secret = secret_on(&revealed);
    assert!(!masked.contains(&secret));

    leave(&mut wizard, Step::Reveal);
    let done = wizard.screen();
    assert!(!done.contains(&secret), "gone once saved\n{done}");
    wizard.send("w");
    wait_for_summary(dir.path());
    leave(&mut wizard, Step::Done);
    let status = wizard.wait_exit();
    assert!(status.success(), "{status:?}");

    assert_restored(&wizard);
    let after = wizard.screen();
    assert!(
        !after.contains(&secret),
        "not left in the terminal\n{after}"
    );
    assert_eq!(
        count(&wizard.raw(), secret.as_bytes()),
        1,
        "written to the terminal once, when revealed"
    );
    assert_no_secret_in_files(dir.path(), &secret);
}

#[test]
fn every_step_to_done_at_80x24() {
    every_step_to_done(80, 24);
}

#[test]
fn every_step_to_done_at_120x40() {
    every_step_to_done(120, 40);
}

/// `q` (or Ctrl-C where letters are typed) ends the wizard on every step; it asks first while
/// sign-in or the run is under way and while the secret is unsaved. Before Done it exits 130,
/// as an interrupted program does. The steps run side by side.
/// The Nylas v2 guide's sample manifest as its page prints it (no braces, no closing
/// brackets), pasted straight onto the permission list by a terminal without bracketed paste (a
/// stream of keys, a line feed per line) and by one with it: both open the import box with every
/// line, and Ctrl+S imports it.
#[test]
fn the_printed_nylas_v2_sample_imports_pasted_plainly_or_bracketed() {
    let printed = include_str!("fixtures/seeds/nylas-v2-manifest-as-printed.txt");
    // Typed by the terminal with a line feed or a carriage return per line, or bracketed.
    for (how, typed) in [
        ("typed, LF", Some(printed.to_string())),
        ("typed, CR", Some(printed.replace('\n', "\r"))),
        ("bracketed", None),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut wizard = Wizard::demo(120, 40, dir.path());
        wizard.wait_for(landmark(Step::Platform));
        wizard.press(DOWN, "Nylas API v2 is deprecated since 2025-01-20");
        wizard.press(ENTER, "How do you want to sign in?");
        wizard.press(ENTER, landmark(Step::SignIn));
        wizard.wait_for("Contoso (Demo)");
        wizard.press(ENTER, landmark(Step::Registration));
        wizard.send(APP_NAME);
        wizard.wait_for("9 of 120 characters");
        wizard.press(ENTER, "Nylas v2 redirect URIs (Web)");
        wizard.press(ENTER, landmark(Step::Permissions));
        match &typed {
            Some(keys) => wizard.send(keys),
            None => wizard.paste(printed),
        }
        let pasted = wizard.wait_for("\"311a71cc-e848-46a1-bdf8-97ff7156d8e6\"");
        assert!(pasted.contains("Paste the block here"), "{how}\n{pasted}");
        let imported = wizard.press("\x13", "7 imported, 1 dropped: Azure AD Graph (retired)");
        assert!(
            imported.contains("[x] Exchange Web Services (being turned off)"),
            "{how}\n{imported}"
        );
        assert!(
            imported.contains("Place.Read.All  added"),
            "{how}\n{imported}"
        );
        wizard.send("\x03");
        assert!(!wizard.wait_exit().success(), "quit by Ctrl+C");
    }
}

#[test]
fn quit_from_every_step() {
    let runs: Vec<_> = Task::Register
        .steps()
        .iter()
        .copied()
        .map(|step| std::thread::spawn(move || quit_at(step)))
        .collect();
    for run in runs {
        run.join().expect("quit run");
    }
}

fn quit_at(step: Step) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut wizard = walk_to(step, 80, 24, dir.path());
    let screen = wizard.wait_for(landmark(step));
    let key = if screen.contains("ctrl+c quit") {
        "\x03"
    } else {
        "q"
    };
    wizard.send(key);
    // On the reveal step Nylas holds the secret already: quitting loses nothing.
    let secret_unsaved = step == Step::Connect;
    if secret_unsaved || matches!(step, Step::SignIn | Step::Create) {
        let asked = wizard.wait_for(" Quit? ");
        let reason = if secret_unsaved {
            "quitting removes it from the app"
        } else {
            "Work is still running"
        };
        assert!(asked.contains(reason), "{step:?}\n{asked}");
        wizard.send("y");
    }
    let status = wizard.wait_exit();
    // Scripts tell a finished run from an aborted one: quitting before Done is an interrupt.
    let expected = if step == Step::Done { 0 } else { 130 };
    assert_eq!(status.exit_code(), expected, "{step:?}: {status:?}");
    assert_restored(&wizard);
    if secret_unsaved {
        // Never revealed nor copied: nobody holds it, so it is not left on the app.
        let after = wizard.screen();
        assert!(
            after.contains("never revealed or copied, so it was removed"),
            "{after}"
        );
    }
}

#[test]
fn sigterm_and_sigint_restore_the_terminal() {
    // The exit status shells give a process these signals end: 128 + the signal's number.
    for (signal, expected) in [("TERM", 143), ("INT", 130)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut wizard = walk_to(Step::Platform, 80, 24, dir.path());
        wizard.signal(signal);
        let status = wizard.wait_exit();
        assert_eq!(
            status.exit_code(),
            expected,
            "SIG{signal} ends it the orderly way, as an abort: {status:?}"
        );
        assert_restored(&wizard);
    }
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut wizard = Wizard::spawn(
        &["--demo"],
        &[("APPREG_TEST_PANIC", "1")],
        80,
        24,
        dir.path(),
    );
    let status = wizard.wait_exit();
    assert!(!status.success(), "a panic is a failure: {status:?}");
    assert_restored(&wizard);
    let raw = wizard.raw();
    let text = String::from_utf8_lossy(&raw);
    let left = text
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen");
    let message = text.find("panicked").expect("the panic message");
    assert!(
        left < message,
        "restored first, then the message:\n{text:?}"
    );
    assert!(
        wizard.screen().contains("APPREG_TEST_PANIC"),
        "readable:\n{}",
        wizard.screen()
    );
}

/// Esc walks back from Review to Platform; every choice made on the way is still there, and
/// walking forward again with Enter alone reaches the same review.
#[test]
fn esc_on_every_step_keeps_the_choices() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut wizard = walk_to(Step::RedirectUris, 120, 40, dir.path());
    // Tick the EU region, add a redirect URI, ask for admin consent, pick 12 months.
    wizard.send(DOWN);
    wizard.press(" ", "[x] https://api.eu.nylas.com");
    wizard.send(TAB);
    wizard.press("https://app.acme.dev/callback", "1 extra URI(s) pass");
    wizard.send(TAB);
    leave(&mut wizard, Step::RedirectUris);
    wizard.press("a", "[x] Grant admin consent");
    leave(&mut wizard, Step::Permissions);
    wizard.press(UP, "(•) 12 months");
    leave(&mut wizard, Step::Secret);
    wizard.press(" ", "[x] email");
    leave(&mut wizard, Step::Settings);
    let review = wizard.wait_for(landmark(Step::Review));
    assert!(review.contains("https://app.acme.dev/callback"), "{review}");

    for (step, kept) in [
        (Step::Settings, "[x] email"),
        (Step::Secret, "(•) 12 months"),
        (Step::Permissions, "[x] Grant admin consent"),
        (Step::RedirectUris, "https://app.acme.dev/callback"),
        (Step::Registration, "Name: Acme Mail"),
        (Step::Tenant, "Contoso (Demo)"),
        (Step::SignIn, "✓ Signed in"),
        (Step::Platform, "▸ Nylas v3"),
    ] {
        // Each Esc waits for its step, so two never arrive together (that reads as Alt+Esc).
        let here = if step == Step::SignIn {
            "Press Enter to choose the tenant"
        } else {
            landmark(step)
        };
        let screen = wizard.press(ESC, here);
        assert!(screen.contains(kept), "{step:?} keeps {kept:?}\n{screen}");
    }
    wizard.press(ENTER, "✓ Signed in");
    for next in [
        Step::Tenant,
        Step::Registration,
        Step::RedirectUris,
        Step::Permissions,
        Step::Secret,
        Step::Settings,
        Step::Review,
    ] {
        wizard.press(ENTER, landmark(next));
    }
    let body = |screen: &str| -> String {
        let rows = screen.lines().take_while(|l| !l.contains("Graph calls"));
        rows.collect::<Vec<_>>().join("\n")
    };
    assert_eq!(body(&wizard.screen()), body(&review), "the same review");
}

/// A PNG of one transparent pixel, the smallest logo a user would upload.
const ONE_PIXEL_PNG: [u8; 67] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// The optional settings reach the demo tenant: a claim, a logo read from a file and the demo
/// partner's MPN ID show on Review, and Done (and its summary file) says both requests of their
/// own went through.
#[test]
fn optional_settings_reach_the_demo_tenant() {
    let dir = tempfile::tempdir().expect("temp dir");
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, ONE_PIXEL_PNG).expect("write the logo");
    let mut wizard = walk_to(Step::Settings, 120, 40, dir.path());
    wizard.wait_for(landmark(Step::Settings));
    wizard.press(" ", "[x] email");
    // Claims, Visible to users?, home page, privacy, terms: the logo is the sixth field.
    for _ in 0..5 {
        wizard.send(TAB);
    }
    wizard.paste(logo.to_str().expect("a UTF-8 temp path"));
    wizard.press(TAB, "image/png, 67 bytes");
    wizard.send("1234567");
    let review = wizard.press(ENTER, landmark(Step::Review));
    for shown in ["id:email", "logo.png (67 bytes)", "MPN id 1234567"] {
        assert!(review.contains(shown), "{shown}\n{review}");
    }
    for step in [Step::Review, Step::Create, Step::Connect, Step::Reveal] {
        leave(&mut wizard, step);
    }
    wizard.send("w");
    let summary = std::fs::read_to_string(wait_for_summary(dir.path())).expect("the summary");
    for done in ["logo.png (67 bytes): done", "MPN id 1234567: done"] {
        assert!(summary.contains(done), "{done}\n{summary}");
    }
    assert!(!summary.contains("Publisher  "), "verified\n{summary}");
    leave(&mut wizard, Step::Done);
    assert!(wizard.wait_exit().success());
}

/// Support mode in the demo tenant: the half-broken Nylas app is audited, mended and audited
/// again; then the app whose secret expires next week gets a new secret, handed over like
/// create's, with the old one left in place until the platform has switched.
fn check_and_rotate(cols: u16, rows: u16) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut wizard = Wizard::demo_traced(cols, rows, dir.path());
    wizard.wait_for(landmark(Step::Platform));
    let first = wizard.press(TAB, "Which platform should the app work with?");
    assert!(first.contains("step 1 of 9"), "{first}");
    wizard.press(ENTER, "How do you want to sign in?");
    wizard.press(ENTER, landmark(Step::SignIn));
    wizard.wait_for("Which tenant holds the app?");
    wizard.wait_for("Contoso (Demo)");
    let apps = wizard.press(ENTER, landmark(Step::Apps));
    let apps = if apps.contains("Acme Nylas (legacy)") {
        apps
    } else {
        wizard.wait_for("Acme Nylas (legacy)")
    };
    assert!(apps.contains("step 4 of 9"), "{apps}");
    // The tenant's apps are audited in the background: each row shows its worst finding.
    for worst in [
        "✗ redirect URI missing",
        "✗ wrong account types",
        "⚠ uses EWS (retiring)",
    ] {
        wizard.wait_for(worst);
    }
    // Tab sorts by the worst finding (errors first), then by the secret that expires first.
    let by_worst = wizard.press(TAB, "sorted by worst finding");
    assert!(
        in_order(&by_worst, &["✗ ", "✗ ", "⚠ uses EWS"]),
        "{by_worst}"
    );
    let by_expiry = wizard.press(TAB, "sorted by secret expiry");
    assert!(
        in_order(
            &by_expiry,
            &["Acme Nylas (legacy)", "Support Mailbox", "Acme Nango"]
        ),
        "{by_expiry}"
    );

    wizard.send("legacy");
    wizard.wait_for("1 of 3 apps");
    // The app has no appreg tag: its platform is asked, starting from the one chosen first.
    wizard.press(ENTER, "has no appreg tag: which platform");
    let findings = wizard.press(ENTER, "\"Acme Nylas (legacy)\" is checked against Nylas v3");
    let findings = if findings.contains("error(s)") {
        findings
    } else {
        wizard.wait_for("error(s)")
    };
    assert!(findings.contains("f fix"), "{findings}");
    let requests = wizard.press("f", "sent after you press y");
    assert!(requests.contains("PATCH /applications/"), "{requests}");
    let mended = wizard.press("y", "The fix was applied");
    assert!(mended.contains("is checked against Nylas v3"), "{mended}");

    // Back to the list, to the app whose secret expires next week.
    wizard.press(ESC, landmark(Step::Apps));
    for _ in 0.."legacy".len() {
        wizard.send("\x7f");
    }
    wizard.wait_for("3 of 3 apps");
    wizard.send("Support");
    wizard.wait_for("1 of 3 apps");
    // A Nylas v2 app, judged against Nylas v2 (its redirect URIs suggest it), not the platform
    // of the app checked before.
    wizard.press(ENTER, "has no appreg tag: which platform");
    wizard.press(
        ENTER,
        "\"Support Mailbox Sync\" is checked against Nylas v2",
    );
    wizard.wait_for("r new client secret");
    let rotate = wizard.press("r", landmark(Step::Rotate));
    assert!(
        rotate.contains("(•) Keep them all"),
        "nothing removed by default\n{rotate}"
    );
    let masked = wizard.press(ENTER, "Value (hidden: r reveals)");
    assert!(
        masked.contains("The new client secret of Support Mailbox Sync"),
        "{masked}"
    );
    assert!(
        masked.contains("200 POST /") && masked.contains("/oauth2/v2.0/token"),
        "the new secret's proof is listed\n{masked}"
    );
    let revealed = wizard.press("r", "Value (visible)");
    let secret = secret_on(&revealed);

    wizard.press(ENTER, "Have you saved the secret?");
    let mut done = wizard.press("y", "Support Mailbox Sync is checked");
    // At 80×24 the summary scrolls to its last lines, past the dashboard's steps.
    for _ in 0..40 {
        if done.contains("remove the old one") {
            break;
        }
        wizard.send(DOWN);
        std::thread::sleep(std::time::Duration::from_millis(100));
        done = wizard.screen();
    }
    assert!(
        done.contains("remove the old one"),
        "how to retire the old one\n{done}"
    );
    assert!(!done.contains(&secret));
    wizard.send("w");
    wait_for_summary(dir.path());
    wizard.send(ENTER);
    let status = wizard.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_restored(&wizard);
    assert_eq!(
        count(&wizard.raw(), secret.as_bytes()),
        1,
        "written to the terminal once, when revealed"
    );
    assert_no_secret_in_files(dir.path(), &secret);
}

/// Whether `screen` shows each of `texts`, in this order.
fn in_order(screen: &str, texts: &[&str]) -> bool {
    let mut rest = screen;
    texts.iter().all(|text| match rest.find(text) {
        Some(at) => {
            rest = &rest[at + text.len()..];
            true
        }
        None => false,
    })
}

#[test]
fn check_fix_and_rotate_at_80x24() {
    check_and_rotate(80, 24);
}

#[test]
fn check_fix_and_rotate_at_120x40() {
    check_and_rotate(120, 40);
}

/// An X server of our own (Xvfb) for the clipboard test; stopped when dropped.
struct XServer {
    process: std::process::Child,
    display: String,
}

impl XServer {
    /// `None` when Xvfb or xclip is not installed (`.ci/run` installs both).
    fn start() -> Option<Self> {
        use std::io::BufRead;
        let installed = |tool: &str| {
            std::process::Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !installed("Xvfb") || !installed("xclip") {
            eprintln!("skipped: Xvfb and xclip are not installed");
            return None;
        }
        // -displayfd: Xvfb picks a free display and writes its number once it is ready.
        let mut process = std::process::Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "640x480x24",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut line = String::new();
        std::io::BufReader::new(process.stdout.take().expect("Xvfb stdout"))
            .read_line(&mut line)
            .expect("Xvfb's display number");
        Some(Self {
            process,
            display: format!(":{}", line.trim()),
        })
    }

    /// The CLIPBOARD selection's content for `target`, or `None` when nobody offers it.
    fn clipboard(&self, target: &str) -> Option<String> {
        let out = std::process::Command::new("xclip")
            .args(["-o", "-selection", "clipboard", "-t", target])
            .env("DISPLAY", &self.display)
            .output()
            .expect("run xclip");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
            .filter(|text| !text.is_empty())
    }
}

impl Drop for XServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Under a real X display, `c` puts the secret on the system clipboard, marked for password
/// managers to keep out of their history, and the clipboard is cleared after the delay.
#[test]
fn the_secret_is_copied_to_a_real_x_clipboard_and_cleared_after_the_delay() {
    let Some(x) = XServer::start() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut wizard = Wizard::spawn(
        &["--demo", "--clipboard-clear-secs", "3"],
        &[("DISPLAY", x.display.as_str())],
        80,
        24,
        dir.path(),
    );
    wizard.wait_for(landmark(Step::Platform));
    for step in Task::Register
        .steps()
        .iter()
        .copied()
        .take_while(|s| *s != Step::Reveal)
    {
        leave(&mut wizard, step);
    }
    wizard.press("c", "copied to the system clipboard");
    let copied = x
        .clipboard("UTF8_STRING")
        .expect("the clipboard holds text");
    let targets = x.clipboard("TARGETS").unwrap_or_default();
    assert!(
        targets.contains("x-kde-passwordManagerHint"),
        "kept out of clipboard history: {targets}"
    );
    let secret = secret_on(&wizard.press("r", "Value (visible)"));
    assert_eq!(copied, secret, "the clipboard holds the secret on screen");

    wizard.wait_for("The clipboard has been cleared.");
    assert_eq!(x.clipboard("UTF8_STRING"), None, "taken off the clipboard");
    leave(&mut wizard, Step::Reveal);
    leave(&mut wizard, Step::Done);
    assert!(wizard.wait_exit().success());
    assert_restored(&wizard);
}
