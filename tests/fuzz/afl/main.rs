//! AFL++ entry (stable toolchain, `cargo afl`): `afl TARGET` feeds the
//! inputs AFL++ generates to the target of that name in
//! [`rosette_fuzz::TARGETS`], the same functions the libFuzzer entries call.

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(&(_, target)) = rosette_fuzz::TARGETS.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = rosette_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!("usage: afl TARGET, one of {}", names.join(", "));
        std::process::exit(2);
    };
    afl::fuzz!(|data: &[u8]| target(data));
}
