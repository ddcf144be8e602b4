//! The audit of every app the Check path lists, run in the background: the core's fleet
//! audit, each report cut down to what the list shows and sent a page of apps at a time, so a
//! tenant of thousands of apps redraws the screen a few times, not once an app.

use crate::catalog::Catalog;
use crate::doctor::Wants;
use crate::doctor::fleet::{self, AppReport, FleetRequest, FleetSink};
use crate::graph::GraphClient;
use crate::progress::Reporter;
use crate::tui::msg::{AppHealth, Msg};
use time::OffsetDateTime;
use tokio::sync::mpsc::{self, UnboundedSender};

/// The most apps one message carries.
const MOST_PER_MESSAGE: usize = 1000;

/// Hands each report, cut down, to the batching half of [`audit_apps`].
struct Handover(UnboundedSender<AppHealth>);

impl FleetSink for Handover {
    // The list already counts the apps.
    fn total(&mut self, _apps: usize) {}

    fn report(&mut self, report: AppReport) -> std::io::Result<()> {
        self.0
            .send(AppHealth::of(&report))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// Audits every app of `tenant` as `doctor --all` does, sending what it finds as it goes and
/// then how it ended. Apps are judged by the platform their tag or redirect URIs name.
pub async fn audit_apps(
    client: Result<GraphClient, String>,
    tenant: String,
    reporter: Reporter,
    messages: UnboundedSender<Msg>,
) {
    let (reports, mut arriving) = mpsc::unbounded_channel();
    let auditing = async move {
        let client = client?;
        let profiles = crate::profile::built_in();
        let catalog = Catalog::offline();
        let wants = Wants::default();
        let request = FleetRequest {
            profiles: &profiles,
            catalog: &catalog,
            wants: &wants,
            now: OffsetDateTime::now_utc(),
        };
        // Dropped at the end, which ends the batching below.
        let mut sink = Handover(reports);
        fleet::audit_all(&client, request, &reporter, &mut sink)
            .await
            .map_err(|e| e.to_string())
    };
    let batching = async {
        let mut batch = Vec::new();
        // A page's reports come without a pause between them: whatever waits goes at once.
        while arriving.recv_many(&mut batch, MOST_PER_MESSAGE).await > 0 {
            let reports = std::mem::take(&mut batch);
            let msg = Msg::AppsAudited {
                tenant: tenant.clone(),
                reports,
            };
            if messages.send(msg).is_err() {
                break;
            }
        }
    };
    let (result, ()) = tokio::join!(auditing, batching);
    let _ = messages.send(Msg::AppsAuditEnded { tenant, result });
}
