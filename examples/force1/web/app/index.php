<?php
$redis = new Redis();
$redis->connect(getenv('APP_REDIS_HOST'), 6379, 2);
$visits = $redis->incr('force1:visits');
$jobs = $redis->lLen('force1:jobs');
$redis->rPush('force1:jobs', json_encode(['visit' => $visits, 'at' => time()]));
header('Content-Type: text/plain');
echo "force1 is up: visit $visits, $jobs job(s) waiting for the worker\n";
