"""Checks profile_summary.py on CSV written the way Nsight Compute writes `--csv --page raw` (run by run.sh --rehearse)."""
import io
import os
import tempfile
import unittest

import profile_summary

CSV = '''==PROF== Connected to process 4242 (/tmp/sg_gpu_bench)
==PROF== Profiling "gemv_kernel": 0%....50%....100% - 1 pass
"ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size","Grid Size","Device","CC","dram__bytes_read.sum","dram__bytes_write.sum","gpu__time_duration.sum"
"","","","","","","","","","","","Mbyte","Kbyte","usecond"
"0","4242","sg_gpu_bench","127.0.0.1","gemv_kernel","1","13","(256, 1, 1)","(256, 1, 1)","0","9.0","8.39","1.02","4.00"
"1","4242","sg_gpu_bench","127.0.0.1","rms_norm_kernel","1","13","(256, 1, 1)","(1, 1, 1)","0","9.0","0.01","0.00","2.00"
"2","4242","sg_gpu_bench","127.0.0.1","gemv_kernel","1","13","(256, 1, 1)","(256, 1, 1)","0","9.0","8.39","1.02","6.00"
"3","4242","sg_gpu_bench","127.0.0.1","rms_norm_kernel","1","13","(256, 1, 1)","(1, 1, 1)","0","9.0","0.01","0.00","2.00"
'''

LOG = '''| concurrency | launches | output tok/s | decode tok/s | decode step ms (median) | TTFT ms mean / max | decode GB/s | of copy bw |
|---|---|---|---|---|---|---|---|
| 1 | plain | 900 | 950 | 0.020 | 1.0 / 1.0 | 2000 | 70% |
| 1 | programmatic | 1000 | 1100 | 0.018 | 1.0 / 1.0 | 2200 | 75% |
| 64 | plain | 9000 | 9500 | 0.500 | 1.0 / 1.0 | 2000 | 70% |
'''


class ProfileSummaryTest(unittest.TestCase):
    def write(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_reads_launches_in_base_units_after_the_profilers_own_lines(self):
        launches = profile_summary.read_launches(self.write(CSV))
        self.assertEqual(4, len(launches))
        self.assertEqual("gemv_kernel", launches[0]["name"])
        self.assertEqual("(256,1,1) x (256,1,1)", launches[0]["shape"])
        self.assertAlmostEqual(4.0e-6, launches[0]["seconds"])
        self.assertAlmostEqual(8.39e6 + 1.02e3, launches[0]["bytes"])

    def test_groups_per_step_and_sets_the_measured_step_against_the_kernels(self):
        launches = profile_summary.read_launches(self.write(CSV))
        step_ms = profile_summary.median_step_ms(self.write(LOG), 1)
        self.assertEqual(0.020, step_ms)
        out = io.StringIO()
        kernel_us = profile_summary.summarize(launches, 2, 1, step_ms, out)
        self.assertAlmostEqual(7.0, kernel_us)  # (4 + 6 + 2 + 2) us over 2 steps
        text = out.getvalue()
        self.assertIn("| gemv_kernel | (256,1,1) x (256,1,1) | 1 | 5.0 | 5.0 | 71.4% | 1678 |", text)
        self.assertIn("per step: 2 kernels, 7 us inside them", text)
        self.assertIn("20 us, of which 13 us (65%) outside the kernels", text)

    def test_the_plain_row_of_the_asked_concurrency_only(self):
        self.assertEqual(0.5, profile_summary.median_step_ms(self.write(LOG), 64))
        self.assertIsNone(profile_summary.median_step_ms(self.write(LOG), 256))

    def test_a_csv_without_the_header_is_an_error_not_an_empty_table(self):
        with self.assertRaises(ValueError):
            profile_summary.read_launches(self.write("==ERROR== the profiler could not start\n"))


if __name__ == "__main__":
    unittest.main()
