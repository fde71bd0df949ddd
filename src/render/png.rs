//! PNG rendering: an SVG rasterised with resvg and the fonts of
//! [`super::fonts`] only, into canvases that are reused between calls, and
//! encoded with fast DEFLATE. `benches/render.rs` measures it.

use std::sync::Mutex;

use resvg::{tiny_skia, usvg};

use super::error::RenderError;
use super::fonts;

/// The PNG sizes a badge renders at, in pixels (square).
pub const BADGE_SIZES: [u32; 2] = [600, 1200];

/// Parses an SVG with the bundled fonts.
pub(super) fn parse_svg(svg: &str) -> Result<usvg::Tree, RenderError> {
    usvg::Tree::from_str(svg, &fonts::options()).map_err(|e| RenderError::Svg(e.to_string()))
}

/// Draws `tree` scaled uniformly to fit `width`×`height`, centred.
pub(super) fn draw(
    tree: &usvg::Tree,
    pixmap: &mut tiny_skia::Pixmap,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
) {
    let size = tree.size();
    let scale = (width / size.width()).min(height / size.height());
    let dx = x + (width - size.width() * scale) / 2.0;
    let dy = y + (height - size.height() * scale) / 2.0;
    let transform = tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(tree, transform, &mut pixmap.as_mut());
}

/// Canvases kept for reuse: allocating (and faulting in) a fresh 1.4 to
/// 5.8 MB canvas for every badge costs as much as drawing half of it.
static CANVASES: Mutex<Vec<tiny_skia::Pixmap>> = Mutex::new(Vec::new());

/// At most this many canvases are kept (a few per size in use).
const KEPT_CANVASES: usize = 6;

/// A transparent canvas, reused when one of that size is free.
pub(super) fn canvas(width: u32, height: u32) -> Result<tiny_skia::Pixmap, RenderError> {
    let reused = {
        let mut kept = CANVASES.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .position(|p| p.width() == width && p.height() == height)
            .map(|i| kept.swap_remove(i))
    };
    if let Some(mut pixmap) = reused {
        pixmap.fill(tiny_skia::Color::TRANSPARENT);
        return Ok(pixmap);
    }
    tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| RenderError::Png(format!("cannot allocate a {width}×{height} image")))
}

/// Encodes a canvas as an RGBA PNG (fast DEFLATE, Paeth filter) and keeps
/// the canvas for reuse. Colours are demultiplied in place: tiny-skia
/// stores premultiplied alpha, PNG straight alpha.
pub(super) fn encode_png(mut pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, RenderError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    for pixel in pixmap.data_mut().chunks_exact_mut(4) {
        let alpha = u32::from(pixel[3]);
        // Opaque and fully transparent pixels are already straight colour.
        if alpha != 0 && alpha != 255 {
            for channel in &mut pixel[..3] {
                let straight = (u32::from(*channel) * 255 + alpha / 2) / alpha;
                *channel = u8::try_from(straight.min(255)).unwrap_or(u8::MAX);
            }
        }
    }
    let mut out = Vec::with_capacity(pixmap.data().len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        // Paeth: nearly the size of adaptive filtering (badges are flat
        // colour and gradients) in three quarters of the time.
        encoder.set_filter(png::Filter::Paeth);
        let mut writer = encoder
            .write_header()
            .map_err(|e| RenderError::Png(e.to_string()))?;
        writer
            .write_image_data(pixmap.data())
            .map_err(|e| RenderError::Png(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| RenderError::Png(e.to_string()))?;
    }
    let mut kept = CANVASES.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() < KEPT_CANVASES {
        kept.push(pixmap);
    }
    Ok(out)
}

/// PNG of an SVG at size×size (600 or 1200).
///
/// The SVG is drawn scaled to fit the square, with the bundled fonts only;
/// the background stays transparent where the SVG draws nothing.
///
/// # Errors
/// [`RenderError::UnsupportedSize`] for any other size,
/// [`RenderError::Svg`] when the SVG does not parse, [`RenderError::Png`]
/// when encoding fails.
pub fn render_png(svg: &str, size: u32) -> Result<Vec<u8>, RenderError> {
    if !BADGE_SIZES.contains(&size) {
        return Err(RenderError::UnsupportedSize(size));
    }
    let tree = parse_svg(svg)?;
    let mut canvas = canvas(size, size)?;
    let side = size as f32;
    draw(&tree, &mut canvas, 0.0, 0.0, side, side);
    encode_png(canvas)
}
