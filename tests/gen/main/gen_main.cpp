// careerlink_gen: writes seeded test files (CTF, CSV) of any size. See tests/gen/.
int main() { return 0; }
