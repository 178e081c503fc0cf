//! A real SMTP server for the tests: `tests/support/smtp_sink.py` on
//! Debian's python3-aiosmtpd, on a free port, writing what it receives
//! into a directory of its own. It can be stopped and started again on the
//! same port, as a mail server goes down and comes back.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");

pub struct SmtpSink {
    dir: tempfile::TempDir,
    pub port: u16,
    child: Option<Child>,
}

/// One message as the server received it, and as a mail program reads it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl Received {
    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let rest = &self.text[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    }
}

impl SmtpSink {
    pub fn start() -> Self {
        Self::start_on(super::process::free_port())
    }

    /// On `port`, where another server was until now.
    pub fn start_on(port: u16) -> Self {
        let mut sink = Self {
            dir: tempfile::tempdir().unwrap(),
            port,
            child: None,
        };
        sink.start_again();
        sink
    }

    /// `--smtp-url` for Twofold: plain SMTP on this machine.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the server at once, as a crash of the mail host does.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "the SMTP server runs already");
        let mut child = Command::new("/usr/bin/python3")
            .arg(SCRIPT)
            .arg(self.port.to_string())
            .arg(self.dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3-aiosmtpd is installed (scripts/test installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        self.child = Some(child);
    }

    /// Every message received so far, in the order received.
    pub fn received(&self) -> Vec<Received> {
        read_all(self.dir.path())
    }

    /// The messages once there are `count`, waiting up to 20 seconds for
    /// a sender that runs on its own.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{count} messages expected, {} received",
            self.received().len()
        );
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn read_all(dir: &Path) -> Vec<Received> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
    names.iter().map(|path| parse(path)).collect()
}

fn parse(path: &Path) -> Received {
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let raw = stored["data"].as_str().unwrap().to_owned();
    let message = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a message");
    Received {
        to: stored["to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|to| to.as_str().unwrap().to_owned())
            .collect(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).unwrap_or_default().into_owned(),
        html: message.body_html(0).unwrap_or_default().into_owned(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        raw,
    }
}
