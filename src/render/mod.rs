//! Badge images: the SVG badge from each certification's template with the
//! holder's name, dates, status banner and a QR code of the public
//! verification URL; PNG rendering with the bundled fonts; the Open Graph
//! share image; and baking the signed credential into PNG and SVG (Open
//! Badges 3.0 §5.3).
//!
//! | file | holds |
//! |---|---|
//! | [`error`] | [`RenderError`], shared by every module here |
//! | [`template`] | `template.svg` parsed into parts and slots |
//! | `text_fit` | cleaning, escaping, measuring and fitting user text |
//! | [`badge`] | the filled-in SVG badge, its status banner and status line |
//! | [`outline`] | text drawn as outlines, with the printed words kept as `<title>`/`<desc>` |
//! | [`qr`] | the verification URL's QR code as SVG elements |
//! | [`png`] | rasterising and PNG encoding |
//! | [`og`] | the Open Graph share image |
//! | [`fonts`] | the bundled fonts |
//! | [`bake`] | baking and unbaking credentials in PNG and SVG |

pub mod badge;
pub mod bake;
pub mod error;
pub mod fonts;
pub mod og;
pub mod outline;
pub mod png;
pub mod qr;
pub mod template;
mod text_fit;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_legibility;

pub use error::RenderError;
