//! Badge images: the SVG badge from each certification's template with the
//! holder's name, dates, status banner and a QR code of the public
//! verification URL; PNG rendering with the bundled fonts; the Open Graph
//! share image; and baking the signed credential into PNG and SVG (Open
//! Badges 3.0 §5.3).

pub mod badge;
pub mod bake;
pub mod fonts;
pub mod qr;
