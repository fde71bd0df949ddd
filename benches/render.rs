//! Badge rendering throughput (criterion): filling a template (SVG with
//! live text), the served SVG (text as outlines), the 600×600 and
//! 1200×1200 PNGs, and the 1200×627 Open Graph image.
//!
//! Targets on one core: SVG ≥ 2,000/s, 600×600 PNG ≥ 200/s.
//!
//! Run: `cargo bench --bench render` (one core: `taskset -c 0 cargo bench --bench render`).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rosette::catalog::{Catalog, Certification};
use rosette::render::badge::{self, BadgeData, BadgeStatus};
use rosette::render::{og, png};

fn certification() -> Certification {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("badges");
    let catalog = Catalog::load(&dir).expect("badges/ loads");
    catalog
        .get("gitlab-ci-cd-specialist")
        .expect("gitlab-ci-cd-specialist is in the catalog")
        .clone()
}

fn data(holder: &str) -> BadgeData {
    BadgeData {
        certification_name: "GitLab CI/CD Specialist".to_owned(),
        holder_name: holder.to_owned(),
        issued_on: "25 Nov 2026".to_owned(),
        expires_on: Some("25 Nov 2028".to_owned()),
        verify_url: "https://certs.example.com/v/0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0001".to_owned(),
        status: BadgeStatus::Valid,
    }
}

fn bench(c: &mut Criterion) {
    let cert = certification();
    let short = data("Ada Lovelace");
    let wrapped = data("Bartholomew Montgomery-Fitzgerald");
    let svg = badge::filled_svg(&cert.design(), &short).expect("badge");

    // Baseline, same run: parsing and rasterising the finished SVG with
    // resvg and tiny-skia alone (bundled fonts, no PNG encoding).
    let tree = resvg::usvg::Tree::from_str(&svg, &rosette::render::fonts::options()).expect("tree");
    c.bench_function("baseline/resvg_rasterize_600", |b| {
        b.iter(|| {
            let mut pixmap = resvg::tiny_skia::Pixmap::new(600, 600).expect("pixmap");
            resvg::render(
                black_box(&tree),
                resvg::tiny_skia::Transform::identity(),
                &mut pixmap.as_mut(),
            );
            pixmap
        })
    });
    c.bench_function("filled_svg", |b| {
        b.iter(|| badge::filled_svg(black_box(&cert.design()), black_box(&short)))
    });
    c.bench_function("filled_svg_two_lines", |b| {
        b.iter(|| badge::filled_svg(black_box(&cert.design()), black_box(&wrapped)))
    });
    // Outlining a badge not seen before (what the first view costs) …
    c.bench_function("badge_svg_outlined", |b| {
        b.iter(|| {
            let filled = badge::filled_svg(black_box(&cert.design()), black_box(&short))?;
            rosette::render::outline::outline(&filled)
        })
    });
    // … and a badge viewed again (filled in, then found in the cache).
    c.bench_function("badge_svg_repeat_view", |b| {
        b.iter(|| badge::badge_svg(black_box(&cert.design()), black_box(&short)))
    });
    c.bench_function("png_600", |b| {
        b.iter(|| png::render_png(black_box(&svg), 600))
    });
    c.bench_function("png_1200", |b| {
        b.iter(|| png::render_png(black_box(&svg), 1200))
    });
    c.bench_function("svg_and_png_600", |b| {
        b.iter(|| badge::badge_png(black_box(&cert.design()), black_box(&short), 600))
    });
    c.bench_function("og_image", |b| {
        b.iter(|| og::og_image(black_box(&cert.design()), black_box(&short)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
