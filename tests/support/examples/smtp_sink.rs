//! A local SMTP server that accepts and counts messages, for `scripts/bench-notify.sh` (the same server the
//! end-to-end tests start). Prints its port, then the count every second; stops after `--seconds` or on kill.

use cinepicks_test_support::smtp;

fn main() {
    let seconds: u64 =
        std::env::args().skip_while(|a| a != "--seconds").nth(1).and_then(|s| s.parse().ok()).unwrap_or(3600);
    let server = smtp::SmtpServer::start(smtp::Behaviour { discard_data: true, ..Default::default() });
    println!("port {}", server.port);
    for _ in 0..seconds {
        std::thread::sleep(std::time::Duration::from_secs(1));
        eprintln!("received {}", server.count());
    }
}
