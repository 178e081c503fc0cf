//! Twofold as a WebAuthn relying party: its public origin and the RP id.
//! Built once at start, kept in the app's state.

use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

/// Twofold as a WebAuthn relying party.
pub struct RelyingParty {
    webauthn: Webauthn,
}

impl RelyingParty {
    /// The relying party at `public_url`, named `name` in the browser's
    /// prompt. An address without a host name (an IP address) cannot be a
    /// relying party: WebAuthn is then off, and says why.
    pub fn new(public_url: &str, name: &str) -> Result<Self, String> {
        let origin = Url::parse(public_url).map_err(|e| format!("{public_url}: {e}"))?;
        let rp_id = origin.domain().ok_or_else(|| {
            format!(
                "{public_url} has no host name; an IP address cannot be a WebAuthn relying party"
            )
        })?;
        let webauthn = WebauthnBuilder::new(rp_id, &origin)
            .and_then(|builder| builder.rp_name(name).build())
            .map_err(|e| format!("WebAuthn at {public_url}: {e}"))?;
        Ok(Self { webauthn })
    }

    pub(super) fn webauthn(&self) -> &Webauthn {
        &self.webauthn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_name_is_a_relying_party_and_an_ip_address_is_not() {
        assert!(RelyingParty::new("http://localhost:3000", "Twofold").is_ok());
        assert!(RelyingParty::new("https://twofold.example.org", "Twofold").is_ok());
        let refused = RelyingParty::new("http://127.0.0.1:3000", "Twofold")
            .err()
            .unwrap();
        assert!(refused.contains("IP address"), "{refused}");
    }
}
