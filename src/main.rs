//! The `rosette` command. All behaviour lives in the library and in `cli`.

mod cli;

/// mimalloc instead of the system allocator: verification allocates many
/// small, short-lived strings across threads, where glibc malloc spent a
/// quarter of the server's CPU time (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
