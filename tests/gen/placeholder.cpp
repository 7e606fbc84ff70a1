namespace careerlink::testgen {}
