//! XTS (IEEE 1619) around AES: the tweak unit ([`tweak`]), the multiplication by powers of
//! alpha ([`alpha_power`]) and one direction's datapath ([`cipher`]).

pub mod alpha_power;
pub mod cipher;
pub mod tweak;
