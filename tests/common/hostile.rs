//! Servers on 127.0.0.1 that misbehave the way an attacker's or a broken proxy's would: they
//! redirect, stall, never stop sending, or put escape sequences in their error messages. Each
//! counts the connections it accepted, so a test can prove a request never reached it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Debug)]
pub enum Behaviour {
    /// Answers every request with this status, these headers and this body.
    Answer {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Sends a 200 whose chunked body never ends.
    Endless,
    /// Sends a 200 announcing 100 MB, and then sends them.
    Huge,
    /// Reads the request and never answers.
    Stall,
}

impl Behaviour {
    pub fn redirect(status: u16, to: &str) -> Self {
        Behaviour::Answer {
            status,
            headers: vec![("Location", to.to_owned())],
            body: String::new(),
        }
    }

    pub fn json(status: u16, body: &str) -> Self {
        Behaviour::Answer {
            status,
            headers: vec![("Content-Type", "application/json".to_owned())],
            body: body.to_owned(),
        }
    }
}

pub struct Hostile {
    pub url: String,
    connections: Arc<AtomicUsize>,
}

impl Hostile {
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

pub async fn serve(behaviour: Behaviour) -> Hostile {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(stream, behaviour.clone()));
        }
    });
    Hostile { url, connections }
}

async fn answer(mut stream: TcpStream, behaviour: Behaviour) {
    read_request(&mut stream).await;
    match behaviour {
        Behaviour::Answer {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Hostile\r\nContent-Length: {}\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
        }
        Behaviour::Endless => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
        }
        Behaviour::Huge => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let block = vec![b' '; 64 * 1024];
            for _ in 0..1600 {
                if stream.write_all(&block).await.is_err() {
                    return;
                }
            }
        }
        Behaviour::Stall => std::future::pending::<()>().await,
    }
}

/// Reads the head and any `Content-Length` body, so the client is not cut off mid-send.
async fn read_request(stream: &mut TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf).await {
        if n == 0 {
            return;
        }
        seen.extend_from_slice(&buf[..n]);
        let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if seen.len() >= end + 4 + length {
            return;
        }
    }
}
