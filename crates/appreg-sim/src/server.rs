//! The HTTP plumbing: a listener whose connections can be cut mid-request,
//! the router, and the middleware every request passes through (request ids,
//! latency, fault injection, the request log), Nylas's and Nango's routes included.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::any;
use axum::serve::{IncomingStream, Listener};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::faults::{FaultKind, FaultSet};
use super::requestlog::RequestLog;
use super::state::SimState;
use super::{Latency, SimConfig, arm, errors, graph_routes, login, nango, nylas};

/// State shared by every request handler and the [`super::SimHandle`].
pub(crate) struct Shared {
    state: Mutex<SimState>,
    pub faults: FaultSet,
    pub log: RequestLog,
    latency: Latency,
    latency_rng: Mutex<StdRng>,
}

impl Shared {
    pub fn new(config: &SimConfig) -> Self {
        Shared {
            state: Mutex::new(SimState::new(config)),
            faults: FaultSet::new(config.faults.clone()),
            log: RequestLog::default(),
            latency: config.latency,
            latency_rng: Mutex::new(StdRng::seed_from_u64(config.rng_seed ^ 0x1a7e_0c1e)),
        }
    }

    /// The directory. Never held across an `.await`.
    pub fn state(&self) -> MutexGuard<'_, SimState> {
        lock(&self.state)
    }

    fn next_latency(&self) -> Duration {
        if self.latency.max <= self.latency.min {
            return self.latency.min;
        }
        lock(&self.latency_rng).random_range(self.latency.min..=self.latency.max)
    }
}

/// A panic in one handler must not wedge the whole simulator: the data behind
/// a poisoned lock is still consistent because every mutation is a single step.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Per-request facts handlers need to build Graph-shaped answers.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub request_id: String,
    pub client_request_id: String,
    /// `http://host:port`, as the client addressed us (for `@odata.context`,
    /// `@odata.nextLink` and `Location`).
    pub origin: String,
}

impl Ctx {
    pub fn graph_base(&self) -> String {
        format!("{}/v1.0", self.origin)
    }
}

pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, stop: oneshot::Receiver<()>) {
    let app = Router::new()
        .route("/v1.0/{*rest}", any(graph_routes::handle))
        .route("/login/{*rest}", any(login::handle))
        .route("/arm/{*rest}", any(arm::handle))
        .route("/nylas/{*rest}", any(nylas::handle))
        .route("/nango/{*rest}", any(nango::handle))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            pipeline,
        ))
        .with_state(shared);
    let listener = KillListener { inner: listener };
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<ConnHandle>(),
    )
    .with_graceful_shutdown(async {
        // Either an explicit stop or a dropped handle ends the server.
        let _ = stop.await;
    })
    .await;
    if let Err(error) = result {
        tracing::warn!(%error, "simulator server stopped with an error");
    }
}

async fn not_found(axum::Extension(ctx): axum::Extension<Ctx>) -> Response {
    errors::GraphError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        "The requested resource does not exist.",
    )
    .into_response(&ctx)
}

/// Every request: assign ids, wait out the latency, apply a matching fault,
/// and record the request and its outcome in the log.
async fn pipeline(State(shared): State<Arc<Shared>>, mut request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_owned(), |pq| pq.to_string());
    let log_id = shared.log.start(method.as_str(), &target);
    let conn = request
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|info| info.0.clone());

    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let host = request
        .headers()
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let ctx = Ctx {
        request_id: uuid::Uuid::new_v4().to_string(),
        client_request_id,
        origin: format!("http://{host}"),
    };
    request.extensions_mut().insert(ctx.clone());

    let delay = shared.next_latency();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let fault = shared.faults.take(&method, &target);
    let mut response = match fault {
        None => next.run(request).await,
        Some(FaultKind::DropBeforeCommit) => return drop_connection(&shared, log_id, conn),
        Some(FaultKind::DropAfterCommit) => {
            // The handler commits its change; only then is the line cut.
            let _committed = next.run(request).await;
            return drop_connection(&shared, log_id, conn);
        }
        Some(FaultKind::MalformedJson) => errors::truncate_body(next.run(request).await).await,
        Some(kind) => errors::fault_response(kind, &ctx, &method, &target),
    };

    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&ctx.request_id) {
        headers.insert("request-id", value);
    }
    if let Ok(value) = HeaderValue::from_str(&ctx.client_request_id) {
        headers.insert("client-request-id", value);
    }
    shared.log.finish(log_id, Some(response.status().as_u16()));
    response
}

/// Cut the connection so the client sees a transport error and no status.
fn drop_connection(shared: &Shared, log_id: u64, conn: Option<ConnHandle>) -> Response {
    shared.log.finish(log_id, None);
    match conn {
        Some(conn) => conn.kill(),
        None => tracing::warn!("cannot drop a connection without connection info"),
    }
    // Never written: the connection refuses every byte from now on.
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

/// Connection info handed to every request: lets a fault cut this connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    killed: Arc<AtomicBool>,
}

impl ConnHandle {
    fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, KillListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, KillListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP listener whose connections can be cut from inside a handler.
pub(crate) struct KillListener {
    inner: TcpListener,
}

impl Listener for KillListener {
    type Io = KillableStream;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _peer)) => {
                    // Latency figures should be ours, not Nagle's.
                    if let Err(error) = stream.set_nodelay(true) {
                        tracing::debug!(%error, "set_nodelay failed");
                    }
                    let killed = Arc::new(AtomicBool::new(false));
                    let handle = ConnHandle {
                        killed: Arc::clone(&killed),
                    };
                    return (
                        KillableStream {
                            inner: stream,
                            killed,
                        },
                        handle,
                    );
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(error) => {
                    tracing::debug!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        let _: SocketAddr = self.inner.local_addr()?;
        Ok(ConnHandle {
            killed: Arc::new(AtomicBool::new(false)),
        })
    }
}

/// Once killed, every read and write fails, so hyper closes the socket without
/// sending a single byte of the pending response.
pub(crate) struct KillableStream {
    inner: TcpStream,
    killed: Arc<AtomicBool>,
}

impl KillableStream {
    fn is_killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }
}

fn cut() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection cut by the simulator",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_killed() {
            return Poll::Ready(Err(cut()));
        }
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_killed() {
            return Poll::Ready(Err(cut()));
        }
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_killed() {
            return Poll::Ready(Err(cut()));
        }
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
