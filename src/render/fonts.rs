//! The fonts compiled into the renderer (`badges/fonts/`): DejaVu Sans
//! Regular and Bold, with Droid Sans Fallback for Chinese, Japanese and
//! Korean. No system font is ever read, so a badge renders to the same
//! pixels on every machine.
//!
//! Templates name one family, `Rosette Sans` (see `badges/README.md`); the
//! font resolver of [`options`] maps it, and the generic families, to
//! DejaVu Sans. Characters DejaVu lacks fall back to Droid Sans Fallback.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb::{self, Database};
use resvg::usvg::{self, FontFamily, FontResolver};

/// The family templates use; it is an alias of [`PRIMARY_FAMILY`].
pub const TEMPLATE_FAMILY: &str = "Rosette Sans";

/// The `font-family` written for text: the template family first, then the
/// bundled face by name and look-alikes for browsers without it.
pub(super) const FONT_STACK: &str = "'Rosette Sans', 'DejaVu Sans', Verdana, sans-serif";

/// The family name of the bundled Latin/Greek/Cyrillic/Arabic/Hebrew faces.
pub const PRIMARY_FAMILY: &str = "DejaVu Sans";

/// The family name of the bundled CJK fallback face.
pub const FALLBACK_FAMILY: &str = "Droid Sans Fallback";
/// The family name of the bundled Hangul fallback face.
pub const HANGUL_FAMILY: &str = "NanumGothic";

static REGULAR: &[u8] = include_bytes!("../../badges/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../badges/fonts/DejaVuSans-Bold.ttf");
static FALLBACK: &[u8] = include_bytes!("../../badges/fonts/DroidSansFallbackFull.ttf");
/// Hangul, which Droid Sans Fallback lacks.
static HANGUL: &[u8] = include_bytes!("../../badges/fonts/NanumGothic.ttf");

static DATABASE: OnceLock<Arc<Database>> = OnceLock::new();

/// The bundled fonts, loaded once (OnceLock); no system font is ever read.
///
/// Faces are registered in this order, which is also the order in which
/// fallback fonts are tried: DejaVu Sans, DejaVu Sans Bold, Droid Sans
/// Fallback (Chinese, Japanese), NanumGothic (Korean). Every generic family (`sans-serif`, `serif`, …) maps to DejaVu
/// Sans.
pub fn database() -> Arc<Database> {
    Arc::clone(DATABASE.get_or_init(|| {
        let mut db = Database::new();
        for data in [REGULAR, BOLD, FALLBACK, HANGUL] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        }
        db.set_sans_serif_family(PRIMARY_FAMILY);
        db.set_serif_family(PRIMARY_FAMILY);
        db.set_monospace_family(PRIMARY_FAMILY);
        db.set_cursive_family(PRIMARY_FAMILY);
        db.set_fantasy_family(PRIMARY_FAMILY);
        Arc::new(db)
    }))
}

/// usvg options with the bundled fonts (shared), default family "DejaVu Sans".
///
/// The font resolver treats `Rosette Sans` as DejaVu Sans and ends every
/// family list with DejaVu Sans, so text is never silently dropped; the
/// fallback for characters DejaVu lacks is the default one (the first
/// bundled face that has the character).
pub fn options() -> usvg::Options<'static> {
    usvg::Options {
        font_family: PRIMARY_FAMILY.to_owned(),
        font_size: 12.0,
        fontdb: database(),
        font_resolver: FontResolver {
            select_font: Box::new(select_font),
            select_fallback: FontResolver::default_fallback_selector(),
        },
        ..usvg::Options::default()
    }
}

/// Picks the face for a font specification: the named families in order
/// (`Rosette Sans` standing for DejaVu Sans), then DejaVu Sans.
fn select_font(font: &usvg::Font, db: &mut Arc<Database>) -> Option<fontdb::ID> {
    let mut families: Vec<fontdb::Family<'_>> = font
        .families()
        .iter()
        .map(|family| match family {
            FontFamily::Named(name) if name.eq_ignore_ascii_case(TEMPLATE_FAMILY) => {
                fontdb::Family::Name(PRIMARY_FAMILY)
            }
            FontFamily::Named(name) => fontdb::Family::Name(name),
            FontFamily::Serif => fontdb::Family::Serif,
            FontFamily::SansSerif => fontdb::Family::SansSerif,
            FontFamily::Cursive => fontdb::Family::Cursive,
            FontFamily::Fantasy => fontdb::Family::Fantasy,
            FontFamily::Monospace => fontdb::Family::Monospace,
        })
        .collect();
    families.push(fontdb::Family::Name(PRIMARY_FAMILY));
    db.query(&fontdb::Query {
        families: &families,
        weight: fontdb::Weight(font.weight()),
        stretch: font.stretch().into(),
        style: font.style().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_has_the_four_bundled_faces_and_nothing_else() {
        let db = database();
        assert_eq!(db.len(), 4);
        let families: Vec<&str> = db
            .faces()
            .filter_map(|f| f.families.first().map(|(n, _)| n.as_str()))
            .collect();
        assert_eq!(
            families,
            [
                PRIMARY_FAMILY,
                PRIMARY_FAMILY,
                FALLBACK_FAMILY,
                HANGUL_FAMILY
            ]
        );
        assert!(Arc::ptr_eq(&db, &database()), "loaded once and shared");
    }

    #[test]
    fn rosette_sans_resolves_to_dejavu_regular_and_bold() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60">
            <text id="r" x="10" y="20" font-family="Rosette Sans" font-size="12">Ab</text>
            <text id="b" x="10" y="40" font-family="Rosette Sans" font-size="12" font-weight="700">Ab</text>
            <text id="c" x="10" y="55" font-family="Rosette Sans" font-size="12">山田</text>
        </svg>"#;
        let tree = usvg::Tree::from_str(svg, &options()).unwrap();
        for id in ["r", "b", "c"] {
            let Some(usvg::Node::Text(text)) = tree.node_by_id(id) else {
                panic!("text {id} not rendered");
            };
            assert!(text.bounding_box().width() > 5.0, "{id}");
            assert!(
                text.flattened().children().iter().count() > 0,
                "{id} has glyphs"
            );
        }
    }
}
