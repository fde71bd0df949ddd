//! Why a badge, its PNG, its share image or its QR code could not be made:
//! one error type for every renderer module, with stable codes for logs
//! and API errors.

/// Why a badge could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The requested PNG size is neither 600 nor 1200 pixels.
    #[error("unsupported badge size {0}: badges render at 600 or 1200 pixels")]
    UnsupportedSize(u32),
    /// The certification's template cannot be filled in.
    #[error("badge template: {0}")]
    Template(String),
    /// An SVG does not parse or cannot be laid out.
    #[error("badge SVG: {0}")]
    Svg(String),
    /// Rasterising or PNG encoding failed.
    #[error("badge PNG: {0}")]
    Png(String),
    /// The QR code cannot be made (e.g. the URL is too long).
    #[error("QR code: {0}")]
    Qr(String),
}

impl RenderError {
    /// A stable, machine-readable code for logs and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::UnsupportedSize(_) => "render_unsupported_size",
            RenderError::Template(_) => "render_template",
            RenderError::Svg(_) => "render_svg",
            RenderError::Png(_) => "render_png",
            RenderError::Qr(_) => "render_qr",
        }
    }
}
