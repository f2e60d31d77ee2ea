//! The senders that come with Tongban: [`FileSender`], which appends each message as one JSON
//! line to a file (the default, for development and for gateways that pick messages up from a
//! file), and [`SmtpSender`], a small SMTP client for email over plain SMTP with optional
//! AUTH PLAIN.
//!
//! Both treat the idempotency key as the identity of a message: the file sender never writes a
//! key twice, and the SMTP sender derives the `Message-ID` from it, so a receiving system can
//! drop a message that was sent again after a lost acknowledgement.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tongban_domain::crypto::sm3;

use crate::notify::{BoxFuture, Channel, NoticeSender, OutboundMessage};

/// Appends one JSON line per message to a file and syncs it before answering. The recipient is
/// written: the file is a delivery record, not a log. A message whose key is already in the
/// file is not written again.
#[derive(Debug, Clone)]
pub struct FileSender {
    inner: Arc<FileInner>,
}

#[derive(Debug)]
struct FileInner {
    channel: Channel,
    path: PathBuf,
    /// Keys already in the file, read from it on first use.
    written: Mutex<Option<HashSet<String>>>,
}

impl FileSender {
    /// A sender of `channel` that appends to `path` (its directory is created when needed).
    pub fn new(channel: Channel, path: impl Into<PathBuf>) -> FileSender {
        FileSender {
            inner: Arc::new(FileInner {
                channel,
                path: path.into(),
                written: Mutex::new(None),
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }
}

impl NoticeSender for FileSender {
    fn channel(&self) -> Channel {
        self.inner.channel
    }

    fn send<'a>(&'a self, msg: &'a OutboundMessage) -> BoxFuture<'a, Result<(), String>> {
        let inner = self.inner.clone();
        let msg = msg.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || inner.append(&msg))
                .await
                .map_err(|_| "the file sender stopped".to_string())?
        })
    }
}

impl FileInner {
    fn append(&self, msg: &OutboundMessage) -> Result<(), String> {
        // One writer at a time, so lines never interleave and the key set stays true.
        let mut written = self
            .written
            .lock()
            .map_err(|_| "the file sender is poisoned".to_string())?;
        let keys = match written.take() {
            Some(keys) => keys,
            None => keys_in(&self.path)?,
        };
        let keys = written.insert(keys);
        if keys.contains(&msg.idempotency_key) {
            return Ok(());
        }
        let line = serde_json::json!({
            "idempotency_key": msg.idempotency_key,
            "channel": msg.channel.code(),
            "to": msg.recipient,
            "subject": msg.subject,
            "body": msg.body,
            "created_at_ms": msg.created_at_ms,
        });
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("creating the outbox directory: {e}"))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| format!("opening the outbox file: {e}"))?;
        file.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("writing the outbox file: {e}"))?;
        keys.insert(msg.idempotency_key.clone());
        Ok(())
    }
}

/// The idempotency keys of the lines already in `path` (none if it does not exist).
fn keys_in(path: &Path) -> Result<HashSet<String>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(err) => return Err(format!("reading the outbox file: {err}")),
    };
    Ok(text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|v| v["idempotency_key"].as_str().map(str::to_string))
        .collect())
}

/// Where and how to send email.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The envelope and `From:` address.
    pub from: String,
    /// AUTH PLAIN credentials (user, password), if the server wants them.
    pub auth: Option<(String, String)>,
    /// The whole conversation for one message must end within this time.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field(
                "auth",
                &self.auth.as_ref().map(|(user, _)| (user, "<redacted>")),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SmtpConfig {
    pub fn new(host: impl Into<String>, port: u16, from: impl Into<String>) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port,
            from: from.into(),
            auth: None,
            timeout: Duration::from_secs(20),
        }
    }
}

/// Sends email over plain SMTP (no TLS): EHLO (or HELO), optional AUTH PLAIN, MAIL FROM,
/// RCPT TO, DATA, QUIT. The subject is RFC 2047 encoded; the body goes as 8-bit UTF-8 where
/// the server offers 8BITMIME, as base64 otherwise.
#[derive(Debug, Clone)]
pub struct SmtpSender {
    config: SmtpConfig,
}

impl SmtpSender {
    /// Checks the configuration: a host and a plausible from-address are needed.
    pub fn new(config: SmtpConfig) -> Result<SmtpSender, String> {
        if config.host.trim().is_empty() {
            return Err("the SMTP host is empty".into());
        }
        if !plausible_address(&config.from) {
            return Err(format!(
                "the SMTP from-address {:?} is not an email address",
                config.from
            ));
        }
        Ok(SmtpSender { config })
    }

    async fn deliver(&self, msg: &OutboundMessage) -> Result<(), String> {
        if !plausible_address(&msg.recipient) {
            return Err("the recipient is not a usable email address".into());
        }
        let stream = TcpStream::connect((self.config.host.as_str(), self.config.port))
            .await
            .map_err(|e| format!("connecting to the SMTP server: {e}"))?;
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        let mut session = Session {
            read: &mut read,
            write: &mut write,
        };
        session.expect("greeting", None, &[220]).await?;
        let domain = domain_of(&self.config.from);
        let eight_bit = match session
            .expect("EHLO", Some(&format!("EHLO {domain}")), &[250])
            .await
        {
            Ok(text) => text
                .lines()
                .any(|l| l.trim().eq_ignore_ascii_case("8BITMIME")),
            Err(_) => {
                session
                    .expect("HELO", Some(&format!("HELO {domain}")), &[250])
                    .await?;
                false
            }
        };
        if let Some((user, password)) = &self.config.auth {
            let token = base64(format!("\0{user}\0{password}").as_bytes());
            session
                .expect("AUTH", Some(&format!("AUTH PLAIN {token}")), &[235])
                .await?;
        }
        let body_param = if eight_bit { " BODY=8BITMIME" } else { "" };
        session
            .expect(
                "MAIL FROM",
                Some(&format!("MAIL FROM:<{}>{body_param}", self.config.from)),
                &[250],
            )
            .await?;
        session
            .expect(
                "RCPT TO",
                Some(&format!("RCPT TO:<{}>", msg.recipient)),
                &[250, 251],
            )
            .await?;
        session.expect("DATA", Some("DATA"), &[354]).await?;
        let content = build_message(&self.config.from, msg, eight_bit);
        let mut data = dot_stuff(&content);
        data.push_str(".\r\n");
        session
            .write
            .write_all(data.as_bytes())
            .await
            .map_err(|e| format!("sending the message: {e}"))?;
        session.expect("end of DATA", None, &[250]).await?;
        // The message is accepted; a failing QUIT changes nothing.
        let _ = session.expect("QUIT", Some("QUIT"), &[221]).await;
        Ok(())
    }
}

impl NoticeSender for SmtpSender {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    fn send<'a>(&'a self, msg: &'a OutboundMessage) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            match tokio::time::timeout(self.config.timeout, self.deliver(msg)).await {
                Ok(result) => result,
                Err(_) => Err("the SMTP server did not answer in time".into()),
            }
        })
    }
}

struct Session<'s> {
    read: &'s mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    write: &'s mut tokio::net::tcp::OwnedWriteHalf,
}

impl Session<'_> {
    /// Sends `command` (if any) and reads the reply, which must have one of `codes`. Returns
    /// the reply's text, one line per reply line.
    async fn expect(
        &mut self,
        step: &str,
        command: Option<&str>,
        codes: &[u16],
    ) -> Result<String, String> {
        if let Some(command) = command {
            self.write
                .write_all(format!("{command}\r\n").as_bytes())
                .await
                .map_err(|e| format!("SMTP {step}: {e}"))?;
        }
        let (code, text) = self
            .reply()
            .await
            .map_err(|e| format!("SMTP {step}: {e}"))?;
        if codes.contains(&code) {
            Ok(text)
        } else {
            Err(format!(
                "SMTP {step} refused: {code} {}",
                text.replace('\n', " ")
            ))
        }
    }

    /// One reply, possibly of several lines (`250-…` continues, `250 …` ends).
    async fn reply(&mut self) -> Result<(u16, String), String> {
        let mut text = String::new();
        loop {
            let mut line = Vec::new();
            let n = (&mut *self.read)
                .take(4096)
                .read_until(b'\n', &mut line)
                .await
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end();
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or_else(|| "the server's reply is not SMTP".to_string())?;
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line.get(4..).unwrap_or_default());
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok((code, text));
            }
        }
    }
}

/// Something that can stand between `<` and `>` in an SMTP command: one `@`, no spaces, angle
/// brackets or line breaks.
fn plausible_address(address: &str) -> bool {
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',');
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !address.contains(bad)
        }
        None => false,
    }
}

fn domain_of(address: &str) -> &str {
    address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("localhost")
}

/// The whole message (headers and body), lines ending in CRLF.
pub fn build_message(from: &str, msg: &OutboundMessage, eight_bit: bool) -> String {
    let body = normalise_lines(&msg.body);
    // Lines of more than 998 octets are not allowed in 8-bit bodies.
    let eight_bit = eight_bit && body.split("\r\n").all(|l| l.len() <= 998);
    let id = hex::encode(&sm3(msg.idempotency_key.as_bytes())[..16]);
    let mut out = String::new();
    out.push_str(&format!("From: <{from}>\r\n"));
    out.push_str(&format!("To: <{}>\r\n", msg.recipient));
    out.push_str(&format!("Subject: {}\r\n", encode_header(&msg.subject)));
    out.push_str(&format!("Date: {}\r\n", rfc5322_date(msg.created_at_ms)));
    out.push_str(&format!(
        "Message-ID: <{id}.tongban@{}>\r\n",
        domain_of(from)
    ));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: text/plain; charset=UTF-8\r\n");
    if eight_bit {
        out.push_str("Content-Transfer-Encoding: 8bit\r\n\r\n");
        out.push_str(&body);
    } else {
        out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
        let encoded = base64(body.as_bytes());
        for chunk in encoded.as_bytes().chunks(76) {
            out.push_str(&String::from_utf8_lossy(chunk));
            out.push_str("\r\n");
        }
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out
}

/// Every line break as CRLF.
fn normalise_lines(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// Doubles a leading `.` on every line, as DATA requires (RFC 5321 §4.5.2).
pub fn dot_stuff(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 8);
    for (i, line) in content.split("\r\n").enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    out
}

/// A header value as RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, folded.
pub fn encode_header(text: &str) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let mut words = Vec::new();
    let mut chunk = String::new();
    for ch in text.chars() {
        // 45 bytes of text make 60 base64 characters: 72 with the markers.
        if chunk.len() + ch.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(ch);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", base64(w.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// `Tue, 25 Nov 2025 08:00:00 +0800`.
fn rfc5322_date(at_ms: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] +0800"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.to_offset(crate::beijing()).format(format).ok())
        .unwrap_or_else(|| "Thu, 01 Jan 1970 08:00:00 +0800".into())
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(subject: &str, body: &str) -> OutboundMessage {
        OutboundMessage {
            idempotency_key: "app-1:accepted:email".into(),
            channel: Channel::Email,
            recipient: "zhangsan@example.com".into(),
            subject: subject.into(),
            body: body.into(),
            created_at_ms: 1_764_028_800_000,
        }
    }

    #[test]
    fn base64_matches_the_rfc_4648_examples() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64("通办".as_bytes()), "6YCa5Yqe");
    }

    #[test]
    fn a_chinese_subject_becomes_short_encoded_words_on_folded_lines() {
        let subject = "您的申请已受理".repeat(5);
        let header = encode_header(&subject);
        let words: Vec<&str> = header.split("\r\n ").collect();
        assert!(words.len() > 1);
        for word in &words {
            assert!(word.len() <= 75, "{word}");
            assert!(word.starts_with("=?UTF-8?B?") && word.ends_with("?="));
        }
        assert_eq!(encode_header("通办"), "=?UTF-8?B?6YCa5Yqe?=");
        assert_eq!(encode_header("a\r\nBcc: x"), encode_header("aBcc: x"));
    }

    #[test]
    fn lines_starting_with_a_dot_are_doubled() {
        assert_eq!(dot_stuff(".\r\nab\r\n..c\r\n"), "..\r\nab\r\n...c\r\n");
    }

    #[test]
    fn the_message_id_and_date_follow_from_the_message() {
        let text = build_message(
            "noreply@tongban.example",
            &message("通知", "第一行\n.第二行"),
            true,
        );
        let id = hex::encode(&sm3(b"app-1:accepted:email")[..16]);
        assert!(text.contains(&format!("Message-ID: <{id}.tongban@tongban.example>\r\n")));
        assert!(
            text.contains("Date: Tue, 25 Nov 2025 08:00:00 +0800\r\n"),
            "{text}"
        );
        assert!(text.contains("To: <zhangsan@example.com>\r\n"));
        assert!(text.ends_with("\r\n\r\n第一行\r\n.第二行\r\n"), "{text:?}");
        let base = build_message("noreply@tongban.example", &message("通知", "正文"), false);
        assert!(base.contains("Content-Transfer-Encoding: base64\r\n\r\n5q2j5paH\r\n"));
    }

    #[test]
    fn addresses_that_could_inject_commands_are_refused() {
        assert!(plausible_address("zhangsan@example.com"));
        for bad in [
            "",
            "nobody",
            "@example.com",
            "a@",
            "a@b\r\nRCPT TO:<c@d>",
            "a b@c",
            "<a@b>",
        ] {
            assert!(!plausible_address(bad), "{bad:?}");
        }
        assert!(SmtpSender::new(SmtpConfig::new("", 25, "a@b")).is_err());
        assert!(SmtpSender::new(SmtpConfig::new("mail", 25, "tongban")).is_err());
    }

    #[test]
    fn the_smtp_password_is_not_debugged() {
        let mut config = SmtpConfig::new("mail", 25, "a@b");
        config.auth = Some(("user".into(), "s3cret".into()));
        let text = format!("{config:?}");
        assert!(text.contains("user") && !text.contains("s3cret"));
    }
}
