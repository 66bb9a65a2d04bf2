//! Starts a test server on a free port of 127.0.0.1, on a thread and runtime of its own, so that sync and async
//! tests alike can talk to it; shared by the SMTP server and the SMS gateway.

use std::future::Future;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

/// Accepts connections for the life of the process, each handled by `handle` with the shared `state`; returns
/// the port once the server listens.
pub fn serve<S, F, Fut>(state: Arc<S>, handle: F) -> u16
where
    S: Send + Sync + 'static,
    F: Fn(TcpStream, Arc<S>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            loop {
                let Ok((socket, _)) = listener.accept().await else { continue };
                tokio::spawn(handle(socket, state.clone()));
            }
        });
    });
    rx.recv().expect("the test server started")
}
