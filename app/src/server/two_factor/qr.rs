//! The set-up's QR code, rendered on the server as inline SVG.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::AppError;

/// Renders `data` as an inline SVG QR code (without the XML prologue).
pub fn qr_svg(data: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(data, EcLevel::M).map_err(|error| {
        tracing::error!(%error, "QR encoding failed");
        AppError::Internal
    })?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(232, 232)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(svg
        .find("<svg")
        .map_or(svg.clone(), |start| svg[start..].to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_inline_and_grows_with_its_data() {
        let short = qr_svg("otpauth://totp/Twofold:ana?secret=AAAA").unwrap();
        assert!(
            short.starts_with("<svg") && short.ends_with("</svg>"),
            "{short}"
        );
        let long = qr_svg(&"x".repeat(300)).unwrap();
        assert!(long.len() > short.len());
    }
}
